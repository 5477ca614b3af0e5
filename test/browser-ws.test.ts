/**
 * `--browser-ws`: printing on remote browsers. Two real Chromium processes
 * with remote debugging stand for someone else's browsers (started without
 * the build's offline flags, as a remote browser would be): the book is
 * printed on both, nothing reaches the network, both keep running after the
 * build with none of its pages left, an unreachable address is one clear
 * error, and a browser that dies in the middle hands its jobs to the other.
 * Skipped, with the reason, when there is no browser or no poppler/qpdf.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.ts';
import { loadConfig } from '../src/config.ts';
import { findBrowser } from '../src/browser/find.ts';
import { browserArgs } from '../src/browser/launch.ts';
import { PRINT_ORIGIN, Printer } from '../src/outputs/pdf/printer.ts';
import { SharedBrowser } from '../src/browser/pool.ts';
import type { Progress } from '../src/progress.ts';
import { startServer } from './helpers/server.ts';
import { missingPdfTools, pageTexts, pdfInfo } from './helpers/pdf-tools.ts';
import { procState } from './helpers/processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'pdf-book');

const found = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const skip = !found ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')} (apt-get install poppler-utils qpdf)` : '';
if (skip) console.warn(`--browser-ws tests skipped: ${skip}`);

interface RemoteChrome {
  proc: ChildProcess;
  ws: string;
  profile: string;
}

/** A Chromium with remote debugging on a free port, as someone would run it for us. */
async function startChrome(): Promise<RemoteChrome> {
  const executable = found!.path;
  const profile = await mkdtemp(path.join(os.tmpdir(), 'anthology-remote-chrome-'));
  const shell = path.basename(executable).startsWith('chrome-headless-shell');
  const proc = spawn(executable, [shell ? '--headless' : '--headless=new', '--remote-debugging-port=0', `--user-data-dir=${profile}`, ...browserArgs(), 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ws = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address: ${err}`)), 30_000);
    proc.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${err}`)));
    proc.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      // Keep reading, or Chromium blocks on a full pipe.
      proc.stderr!.removeAllListeners('data');
      proc.stderr!.resume();
      resolve(m[1]!);
    });
  });
  return { proc, ws, profile };
}

function running(chrome: RemoteChrome): boolean {
  const state = procState(chrome.proc.pid!);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

async function stopChrome(chrome: RemoteChrome): Promise<void> {
  try {
    process.kill(-chrome.proc.pid!, 'SIGKILL');
  } catch {
    // Gone already.
  }
  await rm(chrome.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
}

/** Counts the pages opened on a browser, from a connection of its own that attaches to none of them. */
async function watchPages(ws: string): Promise<{ count: () => number; stop: () => Promise<void> }> {
  const browser = await puppeteer.connect({ browserWSEndpoint: ws, targetFilter: (t) => t.type() === 'browser' });
  let pages = 0;
  browser.on('targetdiscovered', (info) => {
    if ((info as { type: string }).type === 'page') pages++;
  });
  return { count: () => pages, stop: () => browser.disconnect() };
}

/** The pages left on a browser, and how many browser contexts it has. */
async function leftovers(ws: string): Promise<{ urls: string[]; contexts: number }> {
  const browser = await puppeteer.connect({ browserWSEndpoint: ws });
  try {
    return { urls: (await browser.pages()).map((p) => p.url()), contexts: browser.browserContexts().length };
  } finally {
    await browser.disconnect();
  }
}

/** Progress that keeps every stage's closing line. */
function recorder(onTick?: (stage: string) => void): Progress & { ends: Map<string, string> } {
  const ends = new Map<string, string>();
  return { ends, start() {}, tick: (stage) => onTick?.(stage), end: (stage, detail) => void ends.set(stage, detail ?? '') };
}

/** Per-browser job counts from the PDF stage's closing line. */
function jobCounts(detail: string | undefined): Map<string, number> {
  const list = /\(jobs: ([^)]*)\)$/.exec(detail ?? '')?.[1] ?? '';
  return new Map(list.split(', ').filter(Boolean).map((s) => {
    const [n, , name] = s.split(' ');
    return [name!, Number(n)];
  }));
}

describe.skipIf(skip)('printing on remote browsers (--browser-ws)', () => {
  let a: RemoteChrome;
  let b: RemoteChrome;
  let tmp: string;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    [a, b] = await Promise.all([startChrome(), startChrome()]);
    server = await startServer();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-browser-ws-'));
    await cp(FIXTURE, path.join(tmp, 'book'), { recursive: true });
    const hostile = path.join(tmp, 'book', 'articles', '03-hostile.md');
    await writeFile(hostile, (await readFile(hostile, 'utf8')).replaceAll('{{PORT}}', String(server.port)));
  });

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map(stopChrome));
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const buildOn = (browserWs: string[], out: string, progress?: Progress): Promise<BuildResult> =>
    build({ cwd: path.join(tmp, 'book'), out: path.join(tmp, out), formats: ['pdf'], cache: false, browserWs, progress });

  it('prints the book on both, offline, and leaves them running with none of its pages', async () => {
    const watchers = await Promise.all([watchPages(a.ws), watchPages(b.ws)]);
    const progress = recorder();
    const result = await buildOn([a.ws, b.ws], 'remote', progress);
    await Promise.all(watchers.map((w) => w.stop()));
    expect(result.diagnostics.errors).toEqual([]);
    expect(result.ok).toBe(true);

    // The PDFs: every article's, and the book with its contents and all three articles; with the book, citations.json.
    expect(result.files.map((f) => f.path).sort()).toEqual(['citations.json', 'pdf/01-chinese.pdf', 'pdf/02-english.pdf', 'pdf/03-hostile.pdf', 'test-book.pdf']);
    const bookFile = path.join(tmp, 'remote', 'test-book.pdf');
    const texts = pageTexts(bookFile);
    expect(Number(pdfInfo(bookFile).Pages)).toBe(texts.length);
    // Each article cited with its pages in the book printed on the remote browsers.
    const cited = JSON.parse(await readFile(path.join(tmp, 'remote', 'citations.json'), 'utf8')) as { page?: string }[];
    expect(cited).toHaveLength(3);
    for (const item of cited) {
      const [from, to = from] = item.page!.split('-').map(Number);
      expect(from).toBeGreaterThan(0);
      expect(to).toBeGreaterThanOrEqual(from!);
      expect(to).toBeLessThanOrEqual(texts.length);
    }
    expect(result.files.find((f) => f.path === 'test-book.pdf')!.pages).toBe(texts.length);
    const all = texts.join('\n').replace(/\s+/g, '');
    for (const text of ['测试文集', '目录', '铅字与纸张', 'HostileArticle', 'Theendofthehostilearticle.']) expect(all).toContain(text);
    expect(pageTexts(path.join(tmp, 'remote', 'pdf', '02-english.pdf')).join('').length).toBeGreaterThan(100);
    // Files came from the build; the hostile article's requests went nowhere.
    expect(server.hits).toEqual([]);

    // Said once that it prints remotely, and how many jobs each browser took.
    expect(progress.ends.get('connect')).toBe(`printing on 2 remote browsers (${a.ws}, ${b.ws})`);
    const counts = jobCounts(progress.ends.get('pdf'));
    expect([...counts.keys()]).toEqual([a.ws, b.ws]);
    expect(counts.get(a.ws)).toBeGreaterThan(0);
    expect(counts.get(b.ws)).toBeGreaterThan(0);
    // Three articles printed twice (A5 book, A4 articles), the front matter at least twice.
    expect(counts.get(a.ws)! + counts.get(b.ws)!).toBeGreaterThanOrEqual(8);
    // Two pages (pdf.concurrency's default for a remote browser) were opened on each.
    for (const w of watchers) expect(w.count()).toBeGreaterThanOrEqual(2);

    // Disconnected, not closed: both still run, with their own tab only.
    for (const chrome of [a, b]) {
      expect(running(chrome)).toBe(true);
      const left = await leftovers(chrome.ws);
      expect(left.urls.filter((u) => u.startsWith(PRINT_ORIGIN))).toEqual([]);
      expect(left.urls).toEqual(['about:blank']);
      expect(left.contexts).toBe(1);
    }
  });

  it('answers every request from the build: nothing reaches the network or the remote machine', async () => {
    const shared = new SharedBrowser((await loadConfig(path.join(tmp, 'book'))).config!, undefined, [a.ws]);
    const origin = `http://127.0.0.1:${server.port}`;
    const blocked: string[] = [];
    try {
      const printer = await Printer.open({ browsers: await shared.getAll(), concurrency: 1, timeoutMs: 30_000, css: '', files: new Map(), onBlocked: (url) => blocked.push(url) });
      // Straight to the printer, past the Markdown sanitizer that would remove most of this.
      const body = [
        `<img src="${origin}/img.png"><img src="file:///etc/passwd"><img srcset="${origin}/srcset.png 2x">`,
        `<link rel="stylesheet" href="${origin}/style.css"><style>@import url("${origin}/import.css"); p { background: url("${origin}/bg.png"); }</style>`,
        `<p>Text</p><iframe src="${origin}/frame.html"></iframe><object data="${origin}/object"></object><video poster="${origin}/poster.png"></video>`,
      ].join('\n');
      const pdf = await printer.print({ body, lang: 'en', title: 'Hostile', pageCss: '@page { size: A6; }', outline: false, label: 'hostile' });
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(printer.jobCounts()).toEqual([{ name: a.ws, jobs: 1 }]);
      printer.close();
    } finally {
      await shared.close();
    }
    expect(server.hits).toEqual([]);
    expect(blocked.some((u) => u.startsWith(origin))).toBe(true);
    expect(running(a)).toBe(true);
    expect(await leftovers(a.ws)).toEqual({ urls: ['about:blank'], contexts: 1 });
  });

  it('reports an address it cannot reach as one pdf-browser error that names it', async () => {
    const unreachable = 'ws://127.0.0.1:9/devtools/browser/x';
    const result = await buildOn([a.ws, unreachable], 'unreachable');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.errors.map((d) => d.rule)).toEqual(['pdf-browser']);
    const message = result.diagnostics.errors[0]!.message;
    expect(message).toContain(`Cannot connect to the browser at ${unreachable}: connection refused.`);
    expect(message).toContain('--remote-debugging-port');
    expect(message).not.toMatch(/\n\s+at /);
    // The browser that could be reached was let go again, untouched.
    expect(running(a)).toBe(true);
    expect(await leftovers(a.ws)).toEqual({ urls: ['about:blank'], contexts: 1 });
  });

  it('moves the jobs of a browser that goes away in the middle to the other one', async () => {
    let killed = false;
    const progress = recorder((stage) => {
      // At the first finished print: b is gone with whatever it was printing.
      if (killed || stage !== 'pdf') return;
      killed = true;
      process.kill(-b.proc.pid!, 'SIGKILL');
    });
    const result = await buildOn([a.ws, b.ws], 'one-lost', progress);
    expect(killed).toBe(true);
    expect(result.diagnostics.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.files.map((f) => f.path)).toContain('test-book.pdf');
    const counts = jobCounts(progress.ends.get('pdf'));
    expect(counts.get(a.ws)! + counts.get(b.ws)!).toBeGreaterThanOrEqual(8);
    expect(counts.get(a.ws)).toBeGreaterThan(counts.get(b.ws)!);
    expect(running(a)).toBe(true);
    expect(await leftovers(a.ws)).toEqual({ urls: ['about:blank'], contexts: 1 });
  });
});
