/**
 * The PDF output, tested on a real print of test/fixtures/pdf-book: page
 * numbers of the contents against the pages articles really start on,
 * bookmarks, links, fonts, text, metadata, tags, and that printing never
 * reaches outside the build (a hostile article tries, against a local server).
 * Skipped, with the reason, when there is no browser or no poppler/qpdf.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cache } from '../src/cache.ts';
import { loadConfig } from '../src/config.ts';
import { loadBook } from '../src/content/load.ts';
import { Diagnostics } from '../src/diagnostics.ts';
import { browserAdvice, findBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { plan, writePdfs } from '../src/outputs/pdf/index.ts';
import { OFFLINE_ARGS } from '../src/browser/launch.ts';
import { SharedBrowser } from '../src/browser/pool.ts';
import { Printer } from '../src/outputs/pdf/printer.ts';
import type { OutputFile } from '../src/outputs/types.ts';
import { silentProgress } from '../src/progress.ts';
import { loadTemplates } from '../src/templates.ts';
import type { Book } from '../src/types.ts';
import { sourceEntries } from '../src/provenance/sources.ts';
import { processTree } from './helpers/processes.ts';
import { startServer } from './helpers/server.ts';
import { bookmarks, embeddedFontNames, links, missingPdfTools, pageTexts, pdfFonts, pdfInfo, pdfLang, qpdfCheck } from './helpers/pdf-tools.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'pdf-book');

const browser = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const skip = !browser ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')} (apt-get install poppler-utils qpdf)` : '';
if (skip) console.warn(`PDF tests skipped: ${skip}`);

const norm = (s: string) => s.replace(/\s+/g, '');

/** Runs `fn` with the build's browsers as build() owns them: closed at the end, and at once on abort. */
async function withBuildBrowser<T>(book: Book, signal: AbortSignal | undefined, fn: (browser: SharedBrowser) => Promise<T>): Promise<T> {
  const browser = new SharedBrowser(book.config, signal);
  const close = () => void browser.close();
  signal?.addEventListener('abort', close, { once: true });
  try {
    return await fn(browser);
  } finally {
    signal?.removeEventListener('abort', close);
    await browser.close();
  }
}

describe.skipIf(skip)('PDF output of a small book', () => {
  let tmp: string;
  let out: string;
  let book: Book;
  let files: OutputFile[];
  let diagnostics: Diagnostics;
  let server: Awaited<ReturnType<typeof startServer>>;
  let bookFile: string;
  let texts: string[];

  beforeAll(async () => {
    server = await startServer();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-pdf-test-'));
    await cp(FIXTURE, tmp, { recursive: true });
    const hostile = path.join(tmp, 'articles', '03-hostile.md');
    await writeFile(hostile, (await readFile(hostile, 'utf8')).replaceAll('{{PORT}}', String(server.port)));
    const { config } = await loadConfig(tmp);
    diagnostics = new Diagnostics();
    book = (await loadBook({ config: config!, root: path.join(tmp, 'articles'), diagnostics }))!;
    out = path.join(tmp, 'dist');
    await mkdir(out);
    const templates = await loadTemplates(path.join(ROOT, 'templates'));
    files = await withBuildBrowser(book, undefined, (browser) => writePdfs({ book, templates, outDir: out, diagnostics, progress: silentProgress, files: new Map() }, { browser }));
    bookFile = path.join(out, 'test-book.pdf');
    texts = pageTexts(bookFile);
  });

  /** The page the contents start on, as its bookmark says. */
  const tocPage = () => bookmarks(bookFile).find((b) => b.title === '目录')!.page;

  afterAll(async () => {
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('writes a PDF for every article and the book, with their page counts', () => {
    expect(diagnostics.errors).toEqual([]);
    expect(files.map((f) => f.path).sort()).toEqual([...book.articles.map((a) => `pdf/${a.slug}.pdf`), 'test-book.pdf'].sort());
    for (const f of files) expect(Number(pdfInfo(path.join(out, f.path)).Pages)).toBe(f.pages);
  });

  it('prints nothing from outside the build: the local server got no request', () => {
    expect(server.hits).toEqual([]);
  });

  it('starts every article on the right-hand page its contents entry names', () => {
    const toc = pageTexts(bookFile, { layout: true })[tocPage() - 1]!;
    for (const article of book.articles) {
      // "Title  Author ........ 7", laid out on one line.
      const line = toc.split('\n').find((l) => norm(l).includes(norm(article.title)));
      expect(line, article.title).toBeDefined();
      const page = Number(/(\d+)\s*$/.exec(line!)?.[1]);
      expect(page % 2, `${article.title} starts on page ${page}`).toBe(1);
      expect(norm(texts[page - 1]!), `page ${page}`).toContain(norm(article.title));
      // Its page number is not printed on the opening page, but on the next.
      expect(texts[page - 1]!.trim().endsWith(String(page))).toBe(false);
      if (Number(files.find((f) => f.path === `pdf/${article.slug}.pdf`)!.pages) > 1) {
        expect(texts[page]!.trim().split('\n').pop()).toBe(String(page + 1));
      }
    }
  });

  it('has running heads on every page but an opening: the book title on the left, the article title on the right', () => {
    const layout = pageTexts(bookFile, { layout: true });
    const all = bookmarks(bookFile).slice(2);
    // The articles' pages; the back matter ("Sources and permissions") after them has its own title as head.
    const marks = all.slice(0, book.articles.length);
    let checked = 0;
    marks.forEach((m, i) => {
      const end = (all[i + 1]?.page ?? layout.length + 1) - 1;
      for (let p = m.page; p <= end; p++) {
        const head = norm(layout[p - 1]!.split('\n').find((l) => l.trim()) ?? '');
        if (p === m.page) expect(head).not.toBe(norm(m.title));
        else if (head) {
          expect(head, `page ${p}`).toBe(norm(p % 2 ? m.title : '测试文集'));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(0);
  });

  it('has one bookmark per article, with its sections below, going to its first page, and one for the sources and permissions', () => {
    const marks = bookmarks(bookFile);
    // The fixture's articles say where they first appeared: the book ends with their sources.
    expect(sourceEntries(book, () => ({})).length).toBeGreaterThan(0);
    expect(marks.map((b) => b.title)).toEqual(['封面', '目录', ...book.articles.map((a) => a.title), '来源与授权']);
    expect(marks.at(-1)!.page).toBeGreaterThan(marks.at(-2)!.page);
    expect(marks.at(-1)!.page % 2).toBe(1);
    expect(marks[0]!.page).toBe(1);
    const chinese = marks.find((b) => b.title === '铅字与纸张')!;
    expect(chinese.kids.map((k) => k.title)).toEqual(['字架', '纸张', '注释']);
    expect(chinese.kids[0]!.kids.map((k) => k.title)).toEqual(['校对']);
    for (const b of marks.slice(2)) expect(norm(texts[b.page - 1]!)).toContain(norm(b.title));
  });

  it('links every contents entry to its article, and articles to each other', async () => {
    const all = await links(bookFile);
    const tocLinks = all.filter((l) => l.page === tocPage());
    const marks = bookmarks(bookFile).slice(2);
    expect(tocLinks.map((l) => l.target)).toEqual(marks.map((m) => m.page));
    // 01-chinese links to the English article's "Paper" section; 02-english back to the Chinese article.
    const english = marks.find((m) => m.title === 'Paper and Type')!;
    const paperPage = texts.findIndex((t, i) => i >= english.page - 1 && /Rag paper/.test(t)) + 1;
    expect(all.some((l) => l.page < english.page && l.target === paperPage)).toBe(true);
    const chinese = marks.find((m) => m.title === '铅字与纸张')!;
    expect(all.some((l) => l.page >= english.page && l.target === chinese.page)).toBe(true);
    // Footnote references and their back references.
    expect(all.filter((l) => l.page >= chinese.page && l.page < english.page && l.target !== undefined).length).toBeGreaterThanOrEqual(3);
    // The source link stays a web link.
    expect(all.some((l) => l.uri === 'https://example.org/lead-and-paper')).toBe(true);
  });

  it('links an article PDF to the other article PDFs next to it', async () => {
    const own = await links(path.join(out, 'pdf', '01-chinese.pdf'));
    expect(own).toContainEqual(expect.objectContaining({ remote: { file: '02-english.pdf', dest: expect.stringContaining('paper') } }));
  });

  it('embeds every font as TrueType, with no Type 3 fonts', () => {
    for (const f of files) {
      const fonts = pdfFonts(path.join(out, f.path));
      expect(fonts.length, f.path).toBeGreaterThan(0);
      expect(fonts.filter((x) => !x.embedded), f.path).toEqual([]);
      expect(fonts.filter((x) => x.type === 'Type 3'), f.path).toEqual([]);
    }
    // One Chinese regular font for the whole book, not one per article.
    const regular = pdfFonts(bookFile).filter((f) => /NotoSerifSC.*-Regular/.test(f.name));
    expect(regular.length).toBe(1);
  });

  it('names the fonts by their real names, in the PDF and in the embedded font files', async () => {
    for (const f of files) {
      const names = pdfFonts(path.join(out, f.path)).map((x) => x.name.replace(/^[A-Z]{6}\+/, ''));
      const embedded = await embeddedFontNames(path.join(out, f.path));
      expect(names.filter((n) => /ExtraLight/.test(n)), f.path).toEqual([]);
      expect(embedded.filter((n) => /ExtraLight/.test(n)), f.path).toEqual([]);
      // The book and the Chinese article set Chinese text.
      if (f.path === path.relative(out, bookFile) || f.path.includes('chinese')) {
        expect(names, f.path).toContain('NotoSerifSC-Regular');
        expect(embedded, f.path).toContain('NotoSerifSC-Regular');
      }
    }
  });

  it('keeps the text extractable in reading order, Chinese included', () => {
    const chinese = pageTexts(path.join(out, 'pdf', '01-chinese.pdf')).join('');
    expect(norm(chinese)).toContain(norm('这是中文段落的第一句，用来检查文本提取。'));
    expect(norm(chinese)).toContain(norm('这是一个脚注，用来测试回链。'));
    // Text inside an SVG image is real text too, in the book's font.
    expect(norm(chinese)).toContain(norm('矢量图里的文字 text in SVG'));
    const english = pageTexts(path.join(out, 'pdf', '02-english.pdf')).join('');
    expect(english.replace(/\s+/g, ' ')).toContain('The quick brown fox jumps over the lazy dog while the press keeps running.');
    // The remote image is a placeholder with its address.
    expect(norm(english)).toContain('https://example.com/remote-chart.png');
    const whole = norm(texts.join(''));
    for (const probe of ['这是中文段落的第一句', 'Thequickbrownfox', 'Theendofthehostilearticle']) expect(whole).toContain(probe);
  });

  it('sets the metadata, the language, tags and passes qpdf --check', async () => {
    const info = pdfInfo(path.join(out, 'pdf', '01-chinese.pdf'));
    expect(info).toMatchObject({ Title: '铅字与纸张', Author: '王小明', Subject: '一篇用来测试中文排版的短文。', Keywords: '印刷, 测试', Tagged: 'yes' });
    expect(await pdfLang(path.join(out, 'pdf', '01-chinese.pdf'))).toBe('zh-CN');
    expect(await pdfLang(path.join(out, 'pdf', '02-english.pdf'))).toBe('en');
    const bookInfo = pdfInfo(bookFile);
    expect(bookInfo).toMatchObject({ Title: '测试文集: 印刷测试用的小书', Author: '测试编辑', Tagged: 'yes' });
    expect(bookInfo.Subject).toContain('三篇短文');
    expect(await pdfLang(bookFile)).toBe('zh-CN');
    for (const f of files) expect(qpdfCheck(path.join(out, f.path)).ok, f.path).toBe(true);
  });
});

describe.skipIf(skip)('the printer', () => {
  it('refuses every request outside the build: network, local servers, other files', async () => {
    const server = await startServer();
    const origin = `http://127.0.0.1:${server.port}`;
    const blocked: string[] = [];
    const b = await launchBrowser({ executablePath: browser!.path, args: OFFLINE_ARGS });
    try {
      const printer = await Printer.open({ browser: b, concurrency: 1, timeoutMs: 30_000, css: '', files: new Map(), onBlocked: (url) => blocked.push(url) });
      // Straight to the printer, past the Markdown sanitizer that would remove most of this.
      const body = [
        `<img src="${origin}/img.png"><img src="file:///etc/passwd"><img srcset="${origin}/srcset.png 2x">`,
        `<link rel="stylesheet" href="${origin}/style.css"><style>@import url("${origin}/import.css"); p { background: url("${origin}/bg.png"); } @font-face { font-family: X; src: url("${origin}/font.woff2"); } h1 { font-family: X; }</style>`,
        `<h1>Title</h1><p>Text</p><iframe src="${origin}/frame.html"></iframe><iframe src="file:///etc/passwd"></iframe><object data="${origin}/object"></object>`,
        `<video poster="${origin}/poster.png" src="${origin}/video.mp4"></video><audio src="${origin}/audio.mp3"></audio>`,
        `<svg><image href="${origin}/svg-image.png" width="10" height="10"/></svg><a href="${origin}/link">link</a>`,
        `<script src="${origin}/script.js"></script><form action="${origin}/form"><input type="image" src="${origin}/input.png"></form>`,
      ].join('\n');
      const pdf = await printer.print({ body, lang: 'en', title: 'Hostile', pageCss: '@page { size: A5; }', outline: false, label: 'hostile' });
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      printer.close();
    } finally {
      await closeBrowser(b);
      await server.close();
    }
    expect(server.hits).toEqual([]);
    // Requests to other hosts are refused by the printer; file: URLs already by Chromium
    // (a page of an https origin may not load them), so they never even reach it.
    expect(blocked.some((u) => u.startsWith(origin))).toBe(true);
    expect(blocked.filter((u) => !u.startsWith(origin) && !u.startsWith('file:'))).toEqual([]);
  });
});

describe.skipIf(skip)('the browser', () => {
  it('is closed at once when the build is interrupted, and the PDF stage stops', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-pdf-abort-'));
    try {
      await cp(FIXTURE, tmp, { recursive: true });
      const { config } = await loadConfig(tmp);
      const diagnostics = new Diagnostics();
      const book = (await loadBook({ config: config!, root: path.join(tmp, 'articles'), diagnostics }))!;
      await mkdir(path.join(tmp, 'dist'));
      const controller = new AbortController();
      // Its browser: the Chromium processes below this one (other builds on the machine have their own).
      let profiles: string[] = [];
      let done = 0;
      let total = 0;
      const progress = {
        ...silentProgress,
        // Interrupt when the first print is done, while the others are printing.
        tick: (_stage: string, n: number, of?: number) => {
          done = Math.max(done, n);
          total = of ?? total;
          if (controller.signal.aborted) return;
          profiles = [...new Set(processTree(process.pid).flatMap((pid) => chromeProfile(pid) ?? []))];
          controller.abort();
        },
      };
      const templates = await loadTemplates(path.join(ROOT, 'templates'));
      const error = await withBuildBrowser(book, controller.signal, (browser) =>
        writePdfs({ book, templates, outDir: path.join(tmp, 'dist'), diagnostics, progress, files: new Map(), signal: controller.signal }, { browser }),
      ).catch((e: unknown) => e);
      expect((error as Error).name).toBe('AbortError');
      // The stage stopped: not every print was made, the book was not assembled, its parts are gone.
      expect(total).toBeGreaterThan(0);
      expect(done).toBeLessThan(total);
      expect(readdirSync(path.join(tmp, 'dist'))).not.toContain(`${book.config.output.name}.pdf`);
      expect(readdirSync(path.join(tmp, 'dist'))).not.toContain('.pdf-parts');
      // The browser's profile is removed when it is closed (before writePdfs gives up)…
      expect(profiles).toHaveLength(1);
      expect(existsSync(profiles[0]!)).toBe(false);
      // …and no process uses it any more, once those that were killed have exited.
      await until(() => processesUsing(profiles[0]!).length === 0, 60_000);
      expect(processesUsing(profiles[0]!)).toEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('gives every job a time limit, tries it once more in a fresh page, and carries on after', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-pdf-timeout-'));
    // An image that never arrives: reading a FIFO nobody writes to blocks.
    const fifo = path.join(tmp, 'never.png');
    execFileSync('mkfifo', [fifo]);
    const b = await launchBrowser({ executablePath: browser!.path, args: OFFLINE_ARGS });
    try {
      const printer = await Printer.open({ browser: b, concurrency: 1, timeoutMs: 3_000, css: '', files: new Map([['/never.png', { file: fifo, type: 'image/png' }]]) });
      const job = { lang: 'en', title: 't', pageCss: '@page { size: A6; }', outline: false };
      const slow = await printer.print({ ...job, body: '<img src="/never.png"><p>never</p>', label: 'the slow job' }).catch((e: unknown) => e);
      expect((slow as Error).name).toBe('PrintTimeoutError');
      expect((slow as Error).message).toContain('the slow job');
      expect((slow as Error).message).toContain('twice: it was tried again in a fresh page');
      const pdf = await printer.print({ ...job, body: '<p>fine</p>', label: 'the next job' });
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      printer.close();
    } finally {
      await closeBrowser(b);
      // Let the blocked read finish.
      await writeFile(fifo, '').catch(() => {});
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('a rebuild with the cache', () => {
  it('re-prints only the article that changed', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-pdf-cache-'));
    try {
      await cp(FIXTURE, tmp, { recursive: true });
      const cache = new Cache(path.join(tmp, '.cache'));
      const templates = await loadTemplates(path.join(ROOT, 'templates'));
      const entries = () => (existsSync(path.join(tmp, '.cache', 'pdf')) ? readdirSync(path.join(tmp, '.cache', 'pdf'), { recursive: true }).filter((f) => String(f).endsWith('.pdf')).length : 0);
      const buildOnce = async () => {
        const { config } = await loadConfig(tmp);
        const diagnostics = new Diagnostics();
        const book = (await loadBook({ config: config!, root: path.join(tmp, 'articles'), diagnostics }))!;
        const out = await mkdtemp(path.join(tmp, 'dist-'));
        const files = await withBuildBrowser(book, undefined, (browser) => writePdfs({ book, templates, outDir: out, diagnostics, progress: silentProgress, files: new Map(), cache }, { browser }));
        expect(diagnostics.errors).toEqual([]);
        return { book, files };
      };
      const first = await buildOnce();
      // Each article is printed twice (the book is A5, an article's own PDF A4), the front matter twice (without and with page numbers), the sources once.
      expect(entries()).toBe(first.book.articles.length * 2 + 3);
      const file = path.join(tmp, 'articles', '02-english.md');
      await writeFile(file, (await readFile(file, 'utf8')).replace('Rag paper lasts', 'Rag paper often lasts'));
      const second = await buildOnce();
      // The edited article's two prints; the front matter and the sources are unchanged (same titles, same page numbers).
      expect(entries()).toBe(first.book.articles.length * 2 + 5);
      expect(second.files.find((f) => !f.path.startsWith('pdf/'))!.pages).toBe(first.files.find((f) => !f.path.startsWith('pdf/'))!.pages);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('without a browser', () => {
  it('reports one error that says how to get one, without a stack trace', async () => {
    const { config } = await loadConfig(FIXTURE);
    const diagnostics = new Diagnostics();
    const book = (await loadBook({ config: config!, root: path.join(FIXTURE, 'articles'), diagnostics }))!;
    const missingBrowser = { ...book, config: { ...book.config, pdf: { ...book.config.pdf, browser: '/no/such/chrome' } } };
    const templates = await loadTemplates(path.join(ROOT, 'templates'));
    const files = await withBuildBrowser(missingBrowser, undefined, (browser) => writePdfs({ book: missingBrowser, templates, outDir: os.tmpdir(), diagnostics, progress: silentProgress, files: new Map() }, { browser }));
    expect(files).toEqual([]);
    expect(diagnostics.errors.map((d) => d.rule)).toEqual(['pdf-browser']);
    const message = diagnostics.errors[0]!.message;
    expect(message).toContain('/no/such/chrome');
    expect(message).toContain(browserAdvice());
    expect(message).not.toMatch(/\n\s+at /);
  });
});

describe('plan', () => {
  it('starts every article on an odd page, after a blank page when needed', () => {
    // Front matter of 5 pages: the first article starts on 7 (6 is blank).
    expect(plan(5, [3, 4, 1, 2])).toEqual([7, 11, 15, 17]);
    expect(plan(4, [1, 1])).toEqual([5, 7]);
  });
});

/** The profile folder (`--user-data-dir`) of a Chromium process of ours (launchBrowser names them anthology-chrome-*). */
function chromeProfile(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const dir = args.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
    return dir && path.basename(dir).startsWith('anthology-chrome-') ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Every process of the machine whose command line names `text` (zombies have none). */
function processesUsing(text: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Resolves once `condition` holds, looking every 50 ms; gives up after `limitMs` (a safety net, not an expectation). */
async function until(condition: () => boolean, limitMs: number): Promise<void> {
  for (const end = Date.now() + limitMs; !condition() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
}
