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
 *
 * The parts: book.ts (the anthology), article-pdf.ts (each article's own
 * PDF), shard-prints.ts (a shard's prints), print-cache.ts (prints kept or
 * taken from shards), jobs.ts (jobs, run a few at a time), printer.ts (the
 * pages that print), assemble.ts and the PDF writer below it.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fitImage, printBox } from '../../assets/downscale.ts';
import { BrowserConnectError } from '../../browser/connect.ts';
import { BrowserNotFoundError } from '../../browser/find.ts';
import { BrowserLaunchError } from '../../browser/launch.ts';
import type { BuildBrowser, SharedBrowser } from '../../browser/pool.ts';
import type { Shard, ShardSource } from '../../shard.ts';
import type { OutputContext, OutputFile } from '../types.ts';
import { printBook } from './book.ts';
import { printResources } from './documents.ts';
import type { Run } from './jobs.ts';
import { PRINT_ORIGIN, Printer, type ServedFile } from './printer.ts';
import { printGeometry } from './print-pages.ts';
import { printShard } from './shard-prints.ts';

export { plan } from './book.ts';

/** Pages per remote browser (`--browser-ws`) unless `pdf.concurrency` says otherwise. */
const REMOTE_CONCURRENCY = 2;

/** What the PDF output needs besides the common context. */
export interface PdfOptions {
  /** The build's browsers (src/browser/pool.ts): this output opens pages in them, never launches or closes one. */
  browser: SharedBrowser;
  /** Print only this part of the articles, into a shard folder (see src/shard.ts). */
  shard?: Shard & { source: ShardSource };
  /** Merging shards: the printed articles by print key (files); an article with no print here is an error. */
  prints?: ReadonlyMap<string, string>;
  /** Make the print edition too: the print interior, the cover wrap and their report (print-edition.ts). */
  print?: boolean;
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
  const print = options.print && !options.shard ? { bleed: await bleedImages(ctx, resources.files) } : undefined;

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
    const run: Run = { browsers, printer, partsDir, cover, blocked, css: resources.css, shard: options.shard, prints: options.prints, ...(print ? { print } : {}) };
    return await (options.shard ? printShard : printBook)(ctx, run);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    printer?.close();
    await rm(partsDir, { recursive: true, force: true });
  }
}

/** Full-bleed images: a file named `<name>.bleed.<ext>`. */
const BLEED_IMAGE = /\.bleed\.[^./\\]+$/i;

/**
 * The print interior's full-bleed images (a file named `<name>.bleed.<ext>`)
 * fill the whole sheet: each is served at `/bleed/<name>`, no larger than
 * the sheet with its bleed holds at 300 dpi. Returns their addresses by asset name.
 */
async function bleedImages(ctx: OutputContext, files: Map<string, ServedFile>): Promise<Map<string, string>> {
  const config = ctx.book.config;
  const g = printGeometry(config.pdf.book, 0);
  const box = { width: Math.round(((g.trim.width + 2 * g.bleed) / 72) * 300), height: Math.round(((g.trim.height + 2 * g.bleed) / 72) * 300) };
  const out = new Map<string, string>();
  for (const asset of ctx.book.assets.values()) {
    if (!BLEED_IMAGE.test(asset.source) || asset.mediaType === 'image/svg+xml') continue;
    const fitted = await fitImage(asset, box, ctx.cache);
    files.set(`/bleed/${asset.name}`, fitted ? { body: fitted.bytes, type: fitted.mediaType } : { file: asset.source, type: asset.mediaType });
    out.set(asset.name, `${PRINT_ORIGIN}/bleed/${asset.name}`);
  }
  return out;
}
