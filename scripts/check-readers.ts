/**
 * A built book as readers' tools see it, for books the test suite does not
 * build (e.g. the first 100 weekly articles):
 *
 *   node --import tsx scripts/check-readers.ts DIST [--no-calibre] [--no-axe]
 *
 * - epubcheck: fatal errors, errors, warnings;
 * - Ace by DAISY: critical and serious violations, conformance metadata;
 * - calibre: its PDF of the EPUB against its text conversion (CJK characters
 *   on the pages, besides the hidden landmarks) and its TOC against the book's;
 * - the Nu Html Checker on every site page; axe-core on every site page, in
 *   the light and the dark colour scheme.
 * Prints the figures; exits 1 when any check finds a problem.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { requireBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { epubcheck, findEpubcheck } from '../test/helpers/epubcheck.ts';
import { zipFiles } from '../test/helpers/epub-zip.ts';
import { pageText } from '../test/helpers/lost-text.ts';
import { bookmarks, pageTexts } from '../test/helpers/pdf-tools.ts';
import { axe, calibreConvert, cjkCounts, countCjk, runAce, vnuErrors } from '../test/helpers/readers.ts';
import { filesUnder, serveFolder } from '../test/helpers/static.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'no-calibre': { type: 'boolean' }, 'no-axe': { type: 'boolean' } } });
const dist = path.resolve(positionals[0] ?? 'dist');
let failed = false;
const report = (name: string, ok: boolean, detail: string) => {
  if (!ok) failed = true;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
};

const epub = (await readdir(dist)).find((f) => f.endsWith('.epub'));
if (epub) {
  const file = path.join(dist, epub);
  const found = findEpubcheck();
  if ('jar' in found) {
    const { messages } = await epubcheck(found.jar, file);
    const count = (s: string) => messages.filter((m) => m.severity === s).length;
    report('epubcheck', count('FATAL') + count('ERROR') + count('WARNING') === 0, `${count('FATAL')} fatal / ${count('ERROR')} errors / ${count('WARNING')} warnings`);
  } else report('epubcheck', false, found.missing);

  const ace = await runAce(file);
  const serious = ace.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  const byImpact = (i: string) => ace.violations.filter((v) => v.impact === i).length;
  report(
    'Ace',
    serious.length === 0 && ace.metadata.present.includes('dcterms:conformsTo'),
    `${byImpact('critical')} critical, ${byImpact('serious')} serious, ${byImpact('moderate')} moderate, ${byImpact('minor')} minor; conformsTo ${ace.metadata.present.includes('dcterms:conformsTo') ? 'declared' : 'missing'}${serious.length ? '\n  ' + serious.slice(0, 10).map((v) => `${v.rule} ${v.file}: ${v.html.slice(0, 100)}`).join('\n  ') : ''}`,
  );

  if (!values['no-calibre']) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'anthology-calibre-'));
    try {
      const started = performance.now();
      const [pdf, txt] = [await calibreConvert(file, dir, 'pdf'), await calibreConvert(file, dir, 'txt')];
      const text = readFileSync(txt, 'utf8');
      const printed = pageTexts(pdf).join('\n');
      const nav = zipFiles(readFileSync(file)).text('OEBPS/toc.xhtml');
      const landmarks = /<nav epub:type="landmarks"[\s\S]*?<\/nav>/.exec(nav)?.[0].replace(/<[^>]+>/g, '') ?? '';
      const onPages = cjkCounts(printed);
      const missing = [...cjkCounts(text)].reduce((n, [ch, k]) => n + (landmarks.includes(ch) ? 0 : Math.max(0, k - (onPages.get(ch) ?? 0))), 0);
      const ratio = countCjk(printed) / Math.max(1, countCjk(text));
      report('calibre pages', ratio >= 0.99, `${countCjk(printed)} CJK characters on ${pageTexts(pdf).length} pages of ${countCjk(text)} in its text (${(ratio * 100).toFixed(2)} %), ${missing} missing besides the landmarks (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      const titles = [...nav.matchAll(/<li class="toc-article"><a [^>]*>([^<]*)<\/a>/g)].map((m) => pageText(m[1]!).trim());
      const marks = new Set(bookmarks(pdf).flatMap(function flat(b): string[] {
        return [b.title, ...b.kids.flatMap(flat)];
      }));
      const absent = titles.filter((t) => !marks.has(t));
      report('calibre TOC', absent.length === 0, `${titles.length - absent.length} of ${titles.length} articles in its table of contents${absent.length ? ': missing ' + absent.slice(0, 5).join(', ') : ''}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const pages = (await filesUnder(dist)).filter((p) => p.endsWith('.html') && !p.startsWith('pagefind/'));
if (pages.length) {
  const errors = await vnuErrors(pages.map((p) => path.join(dist, p)), dist);
  report('Nu Html Checker', errors.filter((e) => / error: /.test(e)).length === 0, `${errors.filter((e) => / error: /.test(e)).length} errors, ${errors.filter((e) => / warning: /.test(e)).length} warnings on ${pages.length} pages${errors.length ? '\n  ' + errors.slice(0, 10).join('\n  ') : ''}`);
  if (!values['no-axe']) {
    const served = await serveFolder(dist);
    const browser = await launchBrowser({ executablePath: (await requireBrowser()).path });
    try {
      const found: string[] = [];
      const page = await browser.newPage();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        for (const p of pages) {
          // On a busy machine axe may find the frame not ready yet: load the page again, once.
          for (let attempt = 1; ; attempt++) {
            await page.goto(served.url + p, { waitUntil: 'load' });
            try {
              found.push(...(await axe(page, `${p} (${scheme})`)));
              break;
            } catch (error) {
              if (attempt === 2 || !/not ready/.test((error as Error).message)) throw error;
            }
          }
        }
      }
      report('axe-core', found.length === 0, `${found.length} violations on ${pages.length} pages, light and dark${found.length ? '\n  ' + found.slice(0, 10).join('\n  ') : ''}`);
    } finally {
      await closeBrowser(browser);
      await served.close();
    }
  }
}
process.exit(failed ? 1 : 0);
