/**
 * The EPUB as readers' tools see it: Ace by DAISY (accessibility, run with
 * its Puppeteer runner on the system Chromium) and calibre's `ebook-convert`
 * (a real reading engine: QtWebEngine lays out the book to print it as PDF).
 * And the website as axe-core and the Nu Html Checker see it.
 * Used by test/epub-readers.test.ts, test/site-a11y.test.ts and
 * scripts/check-readers.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxePuppeteer } from '@axe-core/puppeteer';
import type { Result } from 'axe-core';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer';
import { findBrowser } from '../../src/browser/find.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface AceViolation {
  impact: string;
  rule: string;
  file: string;
  html: string;
  message: string;
}

export interface AceReport {
  outcome: string;
  violations: AceViolation[];
  /** Accessibility metadata Ace found in the package document. */
  metadata: { present: string[]; missing: string[] };
}

/** Runs Ace by DAISY on an EPUB (its CLI, in a child process, on the system Chromium). */
export async function runAce(epub: string): Promise<AceReport> {
  const browser = await findBrowser();
  if (!browser) throw new Error('Ace needs Chromium: none found (npm run setup)');
  const out = await mkdtemp(path.join(os.tmpdir(), 'anthology-ace-'));
  try {
    const cli = path.join(path.dirname(require.resolve('@daisy/ace-cli/package.json')), 'bin', 'ace.js');
    await run(process.execPath, [cli, '--force', '--silent', '--outdir', out, epub], {
      env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: browser.path },
      maxBuffer: 64 << 20,
      timeout: 600_000,
    });
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    const violations: AceViolation[] = [];
    for (const doc of report.assertions ?? []) {
      for (const a of doc.assertions ?? []) {
        violations.push({
          impact: a['earl:test']['earl:impact'],
          rule: a['earl:test']['dct:title'],
          file: doc['earl:testSubject']?.url ?? '',
          html: a['earl:result']?.html ?? '',
          message: a['earl:result']?.['dct:description'] ?? '',
        });
      }
    }
    return { outcome: report['earl:result']?.['earl:outcome'], violations, metadata: { present: report['a11y-metadata']?.present ?? [], missing: report['a11y-metadata']?.missing ?? [] } };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Whether calibre's `ebook-convert` is installed (apt `calibre`). */
export function hasCalibre(): boolean {
  return spawnSync('ebook-convert', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** `ebook-convert` on an EPUB into `format` (pdf, txt…), in a temporary folder; returns the file. */
export async function calibreConvert(epub: string, dir: string, format: 'pdf' | 'txt'): Promise<string> {
  const target = path.join(dir, `${path.basename(epub, '.epub')}.${format}`);
  // QtWebEngine's Chromium refuses to run as root with its sandbox on.
  const flags = [process.env.QTWEBENGINE_CHROMIUM_FLAGS, process.getuid?.() === 0 ? '--no-sandbox' : ''].filter(Boolean).join(' ');
  await run('ebook-convert', [epub, target], {
    env: { ...process.env, QTWEBENGINE_CHROMIUM_FLAGS: flags, QT_QPA_PLATFORM: process.env.QT_QPA_PLATFORM ?? 'offscreen' },
    maxBuffer: 64 << 20,
    timeout: 1_800_000,
  });
  return target;
}

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}]/gu;

/** Han characters (CJK ideographs, extensions A–B and compatibility) in a text. */
export function countCjk(text: string): number {
  return text.match(HAN)?.length ?? 0;
}

/** How often each Han character occurs in a text. */
export function cjkCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of text.match(HAN) ?? []) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

// ---------------------------------------------------------------------------
// The website: axe-core and the Nu Html Checker
// ---------------------------------------------------------------------------

const VNU = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

/**
 * What axe finds wrong with the page as it is shown now, one line per
 * element: the rule, its impact, the element and what is wrong. Besides the
 * violations, text of a single character whose contrast axe measured too
 * low (it leaves such text "to review", as it might be a symbol): the
 * numbers and counts of the site are text.
 */
export async function axe(page: Page, label: string): Promise<string[]> {
  const results = await new AxePuppeteer(page).options({ resultTypes: ['violations', 'incomplete'] }).analyze();
  const shortText = (r: Result): Result => ({
    ...r,
    nodes: r.nodes.filter((n) => n.any.some((check) => (check.data as { messageKey?: string } | null)?.messageKey === 'shortTextContent')),
  });
  const failed = [...results.violations, ...results.incomplete.filter((r) => r.id === 'color-contrast').map(shortText)];
  return failed.flatMap((r) =>
    r.nodes.map((n) => {
      const why = [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ');
      return `${label}: ${r.id} (${r.impact ?? n.impact}) at ${n.target.join(' ')}: ${why}`;
    }),
  );
}

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

/** The Nu Html Checker over all the files at once (one Java start): its errors, as `file:line: message`. */
export async function vnuErrors(files: string[], base: string): Promise<string[]> {
  const { stdout } = await run('java', ['-jar', VNU, '--format', 'json', '--stdout', '--exit-zero-always', ...files], { maxBuffer: 64 * 1024 * 1024 });
  const { messages } = JSON.parse(stdout) as { messages: VnuMessage[] };
  return messages
    .filter((m) => m.type !== 'info')
    .map((m) => `${m.url ? path.relative(base, fileURLToPath(m.url)) : '?'}:${m.lastLine ?? ''}: ${m.type}: ${m.message} ${JSON.stringify(m.extract ?? '')}`);
}

