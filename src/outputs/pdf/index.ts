/**
 * The PDF output: `pdf/<slug>.pdf` for every article and `<name>.pdf`, the
 * book.
 *
 * How the book is made (see also assemble.ts):
 * 1. Every article is printed once, as its own short job, in parallel on a
 *    pool of browser pages: never thousands of pages in one tab. When the
 *    article PDFs use the book's page setup, that one print serves both the
 *    article's own PDF and the book; otherwise the article prints twice.
 * 2. The front matter (cover, title page, imprint, contents) is printed with
 *    placeholder page numbers as wide as the real ones, which tells how many
 *    pages it takes; with the page count of every article known, the page
 *    each article starts on follows (every article starts on a right-hand
 *    page, after a blank page when needed), and the front matter is printed
 *    again with the real numbers. Its page count must not change.
 * 3. The parts are assembled into one PDF, page numbers are written in, and
 *    the pages each article really starts on are compared with the contents.
 * Nothing of this depends on another article's page numbers at print time,
 * so a changed article re-prints alone (once the parts are cached).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fitImage, printBox } from '../../assets/downscale.ts';
import { hashOf, toolFingerprint } from '../../cache.ts';
import { bookEditors } from '../../config.ts';
import { sourceDateEpoch } from '../../format.ts';
import { formatNames } from '../../templates.ts';
import type { Article } from '../../types.ts';
import type { OutputContext, OutputFile } from '../types.ts';
import { type AssembleResult, PdfAssembler } from './assemble.ts';
import { BrowserConnectError } from '../../browser/connect.ts';
import { BrowserNotFoundError } from '../../browser/find.ts';
import { BrowserLaunchError } from '../../browser/launch.ts';
import type { BuildBrowser, SharedBrowser } from '../../browser/pool.ts';
import { articleBody, FRONT_IDS, frontBody, frontPageRules, headingTexts, pageRules, printLabels, printResources, type TocEntry, tocEntries } from './documents.ts';
import { FolioFont, type FolioStyle } from './folio.ts';
import { articleLink, bookLink, destName, startId } from './links.ts';
import { quickPageCount } from './pdf-file.ts';
import { folioFontFile, realFontNames } from './print-fonts.ts';
import { Printer, type PrintJob, type TableFit } from './printer.ts';
import { MANIFEST, printJobKey, type Shard, type ShardManifest, type ShardSource, shardParts } from '../../shard.ts';
import { marginsInPoints, type PageSetup, sameSetup, textWidth } from './setup.ts';

const FOLIO_STYLE: FolioStyle = { size: 8, color: [0.45, 0.43, 0.4] };
/** Pages per remote browser (`--browser-ws`) unless `pdf.concurrency` says otherwise. */
const REMOTE_CONCURRENCY = 2;

/** The PDFs' creation date: SOURCE_DATE_EPOCH when set (reproducible builds; the EPUB warns when it is malformed), else now. */
const pdfDate = (): Date | undefined => {
  const epoch = sourceDateEpoch();
  return epoch instanceof Date ? epoch : undefined;
};

/** What the PDF output needs besides the common context. */
export interface PdfOptions {
  /** The build's browsers (src/browser/pool.ts): this output opens pages in them, never launches or closes one. */
  browser: SharedBrowser;
  /** Print only this part of the articles, into a shard folder (see src/shard.ts). */
  shard?: Shard & { source: ShardSource };
  /** Merging shards: the printed articles by print key (files); an article with no print here is an error. */
  prints?: ReadonlyMap<string, string>;
}

export async function writePdfs(ctx: OutputContext, options: PdfOptions): Promise<OutputFile[]> {
  const { book, diagnostics, signal } = ctx;
  const config = book.config;
  signal?.throwIfAborted();

  let cover = config.cover ? path.resolve(config.base, config.cover) : undefined;
  if (cover && !existsSync(cover)) {
    diagnostics.warn('pdf-cover', `The cover image ${cover} (\`cover\` in the book config) does not exist; the cover is printed without it`, { file: config.file });
    cover = undefined;
  }
  // Images no larger than the pages show at 300 dpi (src/assets/downscale.ts).
  const box = printBox(config);
  const resources = await printResources(book, ctx.templates, cover, (asset) => fitImage(asset, box, ctx.cache));

  const owner = options.browser;
  let browsers: BuildBrowser[];
  try {
    if (owner.remote) ctx.progress.start('connect');
    browsers = await owner.getAll();
    if (owner.remote) ctx.progress.end('connect', `printing on ${browsers.length === 1 ? 'a remote browser' : `${browsers.length} remote browsers`} (${browsers.map((b) => b.name).join(', ')})`);
  } catch (error) {
    if (error instanceof BrowserNotFoundError || error instanceof BrowserLaunchError || error instanceof BrowserConnectError) {
      diagnostics.error('pdf-browser', error.message, { file: error instanceof BrowserNotFoundError && config.pdf.browser ? config.file : undefined });
      return [];
    }
    throw error;
  }
  let printer: Printer | undefined;
  // The build closes its browsers on Ctrl-C; the printer stops handing out pages.
  const onAbort = () => printer?.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const partsDir = path.join(ctx.outDir, '.pdf-parts');
  const blocked = new Map<string, Set<string>>();
  try {
    printer = await Printer.open({
      browsers,
      // Pages per browser: a remote browser is someone else's machine, shared.
      concurrency: config.pdf.concurrency ?? (owner.remote ? REMOTE_CONCURRENCY : availableParallelism()),
      timeoutMs: config.pdf.timeout,
      css: resources.css,
      files: resources.files,
      signal,
      onBlocked: (url, job) => {
        const key = job ?? '';
        if (!blocked.has(key)) blocked.set(key, new Set());
        blocked.get(key)!.add(url);
      },
    });
    const run: Run = { browsers, printer, partsDir, cover, blocked, css: resources.css, shard: options.shard, prints: options.prints };
    return await (options.shard ? printShard : printAll)(ctx, run);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    printer?.close();
    await rm(partsDir, { recursive: true, force: true });
  }
}

interface Run {
  /** The local browser, or the remote ones the printer spreads its jobs over. */
  browsers: BuildBrowser[];
  printer: Printer;
  /** Where the book's parts wait for the assembly. */
  partsDir: string;
  cover: string | undefined;
  /** Refused requests by job label. */
  blocked: Map<string, Set<string>>;
  /** The stylesheet of every print. */
  css: string;
  shard?: PdfOptions['shard'];
  prints?: PdfOptions['prints'];
}

async function printAll(ctx: OutputContext, run: Run): Promise<OutputFile[]> {
  const { book, templates, diagnostics, progress, signal } = ctx;
  const { printer, partsDir, cover } = run;
  const config = book.config;
  const bookSetup = config.pdf.book;
  const articleSetup = config.pdf.article;
  const shared = sameSetup(bookSetup, articleSetup);
  const started = performance.now();
  const folioFont = new FolioFont(folioFontFile());
  const n = book.articles.length;
  // Prints (one or two per article, the front matter twice), then one step per article to assemble.
  const total = n * (shared ? 1 : 2) + 2 + n;
  let done = 0;
  const tick = () => progress.tick('pdf', ++done, total);
  progress.start('pdf', total);
  await mkdir(path.join(ctx.outDir, 'pdf'), { recursive: true });
  await mkdir(partsDir, { recursive: true });

  const tables = new Map<PrintJob, TableFit[]>();
  const printArticle = cachedPrinter(ctx, run, true, (job, fits) => tables.set(job, fits));
  // The cover and contents too: unchanged titles and page numbers, unchanged pages.
  const printFront = cachedPrinter(ctx, run, false);

  const frontJob = async (entries: TocEntry[]): Promise<PrintJob> => ({
    body: await frontBody(templates, book, entries, cover),
    lang: config.lang ?? 'en',
    title: config.title,
    pageCss: frontPageRules(bookSetup),
    outline: false,
    label: FRONT_LABEL,
  });
  const entries = tocEntries(book);
  const frontDraft = printFront(await frontJob(entries)).then((pdf) => {
    tick();
    return pdf;
  });
  // Awaited after the articles; until then a failure must not count as unhandled.
  frontDraft.catch(() => {});

  // 1. Every article: its part of the book, and its own PDF.
  const own: OutputFile[] = [];
  const parts: { file: string; pages: number }[] = [];
  const failed = await forEachArticle(ctx, run, book.articles.keys(), async (article, index) => {
    const jobs = await articleJobs(ctx, article, index);
    const part = await printArticle(jobs.book);
    tick();
    const file = path.join(partsDir, `${index}.pdf`);
    await writeFile(file, part);
    const pages = quickPageCount(part);
    if (pages === undefined) throw new Error('Chromium wrote a PDF whose pages could not be counted');
    parts[index] = { file, pages };
    const single = jobs.own ? await printArticle(jobs.own) : part;
    if (jobs.own) tick();
    const fits = [
      { where: jobs.own ? 'the book' : 'the book and its own PDF', tables: tables.get(jobs.book) ?? [] },
      { where: 'its own PDF', tables: (jobs.own && tables.get(jobs.own)) || [] },
    ].filter((f) => f.tables.length);
    if (fits.length) reportTables(ctx, article, fits);
    own[index] = await writeArticlePdf(ctx, article, single, folioFont, articleSetup);
  });
  const written = own.filter((f) => f !== undefined);

  // 2. Where every article starts, and the contents with those numbers.
  let front: Uint8Array;
  let starts: number[];
  try {
    const draft = await frontDraft;
    if (failed) return written;
    let frontPages = quickPageCount(draft)!;
    for (let attempt = 1; ; attempt++) {
      starts = plan(frontPages, parts.map((p) => p.pages));
      front = await printFront(await frontJob(entries.map((e, i) => ({ ...e, page: starts[i] }))));
      const pages = quickPageCount(front)!;
      if (pages === frontPages) break;
      // The numbers changed the length of the contents (they should not): plan again.
      if (attempt === 3) throw new Error(`the contents take ${pages} pages with page numbers but ${frontPages} without`);
      frontPages = pages;
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    diagnostics.error('pdf-print', `Cannot print the book's cover, title page and contents: ${(error as Error).message}`, { file: config.file });
    return written;
  } finally {
    reportBlocked(ctx, run.blocked, FRONT_LABEL, config.file);
  }
  tick();
  // The print pages go now, to free their memory for the assembly; the
  // browser itself belongs to the build (the EPUB may still need it).
  printer.close();

  // 3. The book, and a check that every article starts where the contents say.
  const name = `${config.output.name}.pdf`;
  const result = await assembleBook(ctx, path.join(ctx.outDir, name), front, parts, folioFont, tick);
  const moved = book.articles.filter((_, i) => result.starts[i + 1] !== starts[i]);
  if (moved.length) {
    diagnostics.error('pdf-contents', `The contents give the wrong page for ${moved.map((a) => `"${a.title}"`).join(', ')}: this is a bug of the PDF output, please report it`, { file: config.file });
    return written;
  }
  written.push({ path: name, bytes: result.bytes, pages: result.pages });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  progress.end('pdf', `${n} articles and the book (${result.pages} pages) in ${seconds} s${jobsPerBrowser(run)}`);
  return written;
}

const FRONT_LABEL = 'the front matter';

/** The versions of the browsers that print, sorted and each once (part of the print cache key). */
async function browserVersions(run: Run): Promise<string[]> {
  return [...new Set(await Promise.all(run.browsers.map((b) => b.browser.version())))].sort();
}

/** ` (jobs: 21 on ws://a, 19 on ws://b)` when printing on remote browsers, else nothing. */
function jobsPerBrowser(run: Run): string {
  if (!run.browsers.some((b) => b.remote)) return '';
  return ` (jobs: ${run.printer.jobCounts().map((c) => `${c.jobs} on ${c.name}`).join(', ')})`;
}

/** An article's print jobs: its pages of the book, and its own PDF when that has another page setup. */
async function articleJobs(ctx: OutputContext, article: Article, index: number): Promise<{ book: PrintJob; own?: PrintJob }> {
  const config = ctx.book.config;
  const body = await articleBody(ctx.templates, ctx.book, article, index);
  const heads = { left: config.title, right: article.title };
  const continued = ctx.templates.labels(article.lang).table_continued ?? '(continued)';
  const fit = (setup: PageSetup) => ({ width: textWidth(setup), continued, minScale: 0.72 });
  const book: PrintJob = { body, lang: article.lang, title: article.title, pageCss: pageRules(config.pdf.book, heads), outline: true, label: article.path, fit: fit(config.pdf.book) };
  return sameSetup(config.pdf.book, config.pdf.article) ? { book } : { book, own: { ...book, pageCss: pageRules(config.pdf.article, heads), fit: fit(config.pdf.article) } };
}

/** What every print key starts from: the tool and the stylesheet (see printJobKey). */
async function printBase(run: Run): Promise<string> {
  return hashOf(await toolFingerprint(), run.css);
}

/**
 * Prints a job, or takes it from the build cache when nothing it depends on
 * changed; when merging shards, takes an article's print from the shards
 * and never prints one (`fromShards`; the front matter is printed).
 */
function cachedPrinter(ctx: OutputContext, run: Run, fromShards = true, onTables?: (job: PrintJob, tables: TableFit[]) => void): (job: PrintJob) => Promise<Uint8Array> {
  const base = printBase(run);
  const printKey = (async () => (ctx.cache?.enabled ? hashOf(await base, (await browserVersions(run)).join(',')) : undefined))();
  return async (job) => {
    if (run.prints && fromShards) {
      const file = run.prints.get(printJobKey(await base, job));
      if (!file) throw new Error('none of the shards printed it as this build would (were the shards built with other fonts installed?)');
      const pdf = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new Error(error.code === 'ENOENT' ? `the shard's print ${file} is missing (was the shard folder copied whole?)` : `cannot read the shard's print ${file}: ${error.message}`);
      });
      if (quickPageCount(pdf) === undefined) throw new Error(`the shard's print ${file} is damaged`);
      return pdf;
    }
    const key = (await printKey) && hashOf((await printKey)!, printJobKey(await base, job));
    const hit = key ? await ctx.cache!.readBytes('pdf', key, '.pdf') : undefined;
    const hitTables = hit && job.fit ? await ctx.cache!.readJson<TableFit[]>('pdf-tables', key!) : [];
    if (hit && hitTables && quickPageCount(hit) !== undefined) {
      if (hitTables.length) onTables?.(job, hitTables);
      return hit;
    }
    const { pdf, tables } = await run.printer.printed(job);
    if (key) {
      await ctx.cache!.writeBytes('pdf', key, '.pdf', pdf);
      if (job.fit) await ctx.cache!.writeJson('pdf-tables', key, tables);
    }
    if (tables.length) onTables?.(job, tables);
    return pdf;
  };
}

/** One warning per wide table of an article, saying what each PDF did with it. */
function reportTables(ctx: OutputContext, article: Article, fits: { where: string; tables: TableFit[] }[]): void {
  const count = Math.max(...fits.map((f) => f.tables.length));
  for (let i = 0; i < count; i++) {
    const done = fits.filter((f) => f.tables[i]).map((f) => ({ where: f.where, t: f.tables[i]! }));
    const t = done[0]!.t;
    const what = (x: TableFit) =>
      [x.scale < 1 ? `set at ${Math.round(x.scale * 100)} %` : '', x.wrapped ? 'long words broken' : '', x.parts > 1 ? `split into ${x.parts} tables, each repeating the first column` : '']
        .filter(Boolean)
        .join(', ');
    ctx.diagnostics.warn(
      'pdf-wide-table',
      `A table of ${t.columns} columns is wider than the page: ${done.map((d) => `${what(d.t)} in ${d.where}`).join('; ')}. Every cell is printed; fewer columns or a narrower table read better`,
      { file: article.file, line: t.line },
    );
  }
}

/**
 * A shard (`build --shard K/N`): prints the jobs of its part of the articles
 * into `prints/` and describes them in `shard.json`, for `merge`.
 */
async function printShard(ctx: OutputContext, run: Run): Promise<OutputFile[]> {
  const { book, progress } = ctx;
  const shard = run.shard!;
  const started = performance.now();
  const mine = shardParts(book.articles, shard.n)[shard.k - 1]!;
  const base = await printBase(run);
  const printArticle = cachedPrinter(ctx, run);
  const written: OutputFile[] = [];
  const prints: ShardManifest['prints'] = [];
  let done = 0;
  progress.start('pdf', mine.length);
  await mkdir(path.join(ctx.outDir, 'prints'), { recursive: true });
  await forEachArticle(ctx, run, mine, async (article, index) => {
    const jobs = await articleJobs(ctx, article, index);
    for (const job of jobs.own ? [jobs.book, jobs.own] : [jobs.book]) {
      const pdf = await printArticle(job);
      const key = printJobKey(base, job);
      const rel = `prints/${key}.pdf`;
      await writeFile(path.join(ctx.outDir, rel), pdf);
      written.push({ path: rel, bytes: pdf.length, pages: quickPageCount(pdf) });
      prints.push({ key, file: rel, article: article.path });
    }
    progress.tick('pdf', ++done, mine.length);
  });
  prints.sort((a, b) => (a.file < b.file ? -1 : 1));
  const manifest: ShardManifest = {
    kind: 'anthology-shard',
    version: 1,
    shard: { k: shard.k, n: shard.n },
    ...shard.source,
    printed: mine.map((i) => book.articles[i]!.path),
    prints,
    browsers: await browserVersions(run),
  };
  const text = JSON.stringify(manifest, null, 1);
  await writeFile(path.join(ctx.outDir, MANIFEST), text);
  written.push({ path: MANIFEST, bytes: Buffer.byteLength(text) });
  const pages = written.reduce((n, f) => n + (f.pages ?? 0), 0);
  progress.end('pdf', `shard ${shard.k}/${shard.n}: ${mine.length} of ${book.articles.length} articles, ${prints.length} prints, ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s${jobsPerBrowser(run)}`);
  return written;
}

/** First page of each article, given the pages of the front matter and of each article. */
export function plan(frontPages: number, articlePages: number[]): number[] {
  const starts: number[] = [];
  let last = frontPages;
  for (const pages of articlePages) {
    if (last % 2 === 1) last++; // a blank left-hand page
    starts.push(last + 1);
    last += pages;
  }
  return starts;
}

async function assembleBook(
  ctx: OutputContext,
  file: string,
  front: Uint8Array,
  parts: { file: string; pages: number }[],
  folioFont: FolioFont,
  onPart: () => void,
): Promise<AssembleResult> {
  const { book, templates } = ctx;
  const config = book.config;
  const labels = printLabels(templates.labels(config.lang ?? 'en'), config.lang ?? 'en');
  const tags = [...book.tags.keys()];
  const asm = new PdfAssembler({
    file,
    mode: 'book',
    rightHandStarts: true,
    fontNames: realFontNames(),
    info: {
      title: config.subtitle ? `${config.title}: ${config.subtitle}` : config.title,
      author: formatNames(bookEditors(config), config.lang ?? 'en') || undefined,
      subject: config.description,
      keywords: tags.length ? tags.join(', ') : undefined,
      lang: config.lang ?? 'en',
      creator: 'anthology',
      created: pdfDate(),
    },
    folios: { font: folioFont, style: FOLIO_STYLE, margins: marginsInPoints(config.pdf.book) },
    links: (uri) => bookLink(book, uri),
    frontBookmarks: [
      { title: labels.cover!, dest: destName(FRONT_IDS.cover) },
      { title: labels.contents!, dest: destName(FRONT_IDS.contents) },
    ],
    pageLayout: 'TwoPageRight',
  });
  try {
    await asm.addPart(front, { structType: 'Part' });
    const open = book.articles.length <= 12;
    for (const [i, article] of book.articles.entries()) {
      ctx.signal?.throwIfAborted();
      await asm.addPart(await readFile(parts[i]!.file), {
        structType: 'Art',
        folio: (page) => page > 0,
        bookmark: { title: article.title, open },
        startName: destName(startId(article)),
        headings: headingTexts(article),
      });
      onPart();
    }
    return asm.finish();
  } catch (error) {
    asm.abandon();
    throw error;
  }
}

/**
 * An article's own PDF, from its print; from the build cache when the print
 * and everything else it is made from (the article's metadata, the other
 * articles its links can point to, the page setup) are unchanged.
 */
async function writeArticlePdf(ctx: OutputContext, article: Article, pdf: Uint8Array, folioFont: FolioFont, setup: PageSetup): Promise<OutputFile> {
  const rel = `pdf/${article.slug}.pdf`;
  const file = path.join(ctx.outDir, rel);
  const info = {
    title: article.title,
    author: formatNames(article.authors, article.lang) || undefined,
    subject: article.summary ?? (article.excerpt || undefined),
    keywords: article.tags.length ? article.tags.join(', ') : undefined,
    lang: article.lang,
    creator: 'anthology',
    created: pdfDate(),
  };
  const cache = ctx.cache?.enabled ? ctx.cache : undefined;
  const key = cache && hashOf(await toolFingerprint(), hashOf(pdf), JSON.stringify(info), JSON.stringify(setup), JSON.stringify(headingTexts(article)), slugsKey(ctx.book));
  const hit = key && (await cache.readBytes('pdf-own', key, '.pdf'));
  const pages = hit && quickPageCount(hit);
  if (hit && pages) {
    await writeFile(file, hit);
    return { path: rel, bytes: hit.length, pages };
  }
  const asm = new PdfAssembler({
    file,
    mode: 'single',
    rightHandStarts: false,
    fontNames: realFontNames(),
    info,
    folios: { font: folioFont, style: FOLIO_STYLE, margins: marginsInPoints(setup) },
    links: (uri) => articleLink(ctx.book, uri),
  });
  try {
    await asm.addPart(pdf, { folio: (page) => page > 0, headings: headingTexts(article) });
    const result = asm.finish();
    if (key) await cache.writeBytes('pdf-own', key, '.pdf', await readFile(file));
    return { path: rel, bytes: result.bytes, pages: result.pages };
  } catch (error) {
    asm.abandon();
    throw error;
  }
}

/** The articles' slugs: where links between articles' own PDFs can point. */
const slugsKeys = new WeakMap<object, string>();
function slugsKey(book: OutputContext['book']): string {
  let key = slugsKeys.get(book);
  if (!key) slugsKeys.set(book, (key = hashOf(...book.articles.map((a) => a.slug))));
  return key;
}

function reportBlocked(ctx: OutputContext, blocked: Map<string, Set<string>>, label: string, file: string | undefined): void {
  const urls = blocked.get(label);
  if (!urls?.size) return;
  blocked.delete(label);
  const list = [...urls];
  ctx.diagnostics.warn(
    'pdf-request-blocked',
    `Printing refused ${list.length === 1 ? 'a request' : `${list.length} requests`} for ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}: a PDF uses only the files of the book (its images and fonts), never the network or other files`,
    { file },
  );
}

/**
 * Runs `fn` for the articles at `indices`, a few at a time (one more than the
 * printer has pages, so the next job is ready). A failing article is an error
 * naming it, and the others go on; refused requests are reported per article.
 * Resolves to whether any article failed.
 */
async function forEachArticle(ctx: OutputContext, run: Run, indices: Iterable<number>, fn: (article: Article, index: number) => Promise<void>): Promise<boolean> {
  let failed = false;
  await forEachLimit([...indices], run.printer.size + 1, async (index) => {
    const article = ctx.book.articles[index]!;
    try {
      await fn(article, index);
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      failed = true;
      ctx.diagnostics.error('pdf-print', `Cannot print the article: ${(error as Error).message}`, { file: article.file });
    } finally {
      reportBlocked(ctx, run.blocked, article.path, article.file);
    }
  });
  return failed;
}

/** Runs fn over items with at most `limit` at a time, in order of index. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

