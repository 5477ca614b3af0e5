/**
 * The build: config and articles become a Book, each requested output writes
 * into a staging folder, and the staging folder replaces the output folder
 * only when every output succeeded. A failed or interrupted build leaves the
 * previous output exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchRemoteImages } from './assets/remote.ts';
import { Cache, hashOf, toolFingerprint } from './cache.ts';
import { type BookConfig, defaultConfig, loadConfig } from './config.ts';
import { type ConfigChoice, locateConfig } from './locate-config.ts';
import type { EpubProfile } from './outputs/epub/profile.ts';
import { readShards, type Shard, type ShardSource } from './shard.ts';
import { loadBook } from './content/load.ts';
import { BuildError, type Diagnostic, Diagnostics } from './diagnostics.ts';
import { SharedBrowser } from './browser/pool.ts';
import { searchAvailable, type StartedSearch, startSearch } from './outputs/search.ts';
import { siteTrees, writeSite } from './outputs/site.ts';
import type { OutputContext, OutputFile } from './outputs/types.ts';
import { type Progress, silentProgress } from './progress.ts';
import { loadTemplates, type Templates } from './templates.ts';
import type { Book } from './types.ts';
import { isDir, isInside } from './paths.ts';
import { citationSourcesKey } from './citations/book.ts';
import { finishBook } from './finish.ts';
import { CITATIONS_FILE, writeCitations } from './outputs/citations.ts';
import { editionsOf, type EditionInput } from './editions/edition.ts';
import { verticalBook } from './editions/vertical.ts';
import { writeEdition } from './editions/write.ts';

export type Format = 'html' | 'pdf' | 'epub';
export const FORMATS: readonly Format[] = ['html', 'pdf', 'epub'];

export interface BuildOptions {
  /** Folder that relative paths are resolved against (default: `process.cwd()`). */
  cwd?: string;
  /** Articles folder; default: the config's `articles`, relative to the config file. */
  articles?: string;
  /** Output folder; default: the config's `output.dir`. */
  out?: string;
  /**
   * Book config file; default: the one that belongs to `articles` when that
   * is given (see src/locate-config.ts), else `book.config.yaml` in `cwd`, if
   * there is one.
   */
  config?: string;
  /** Outputs to build; default: the config's `output.formats`. */
  formats?: readonly Format[];
  drafts?: boolean;
  /** Treat warnings as errors. */
  strict?: boolean;
  /** Templates folder; default: `templates/` in `cwd`, else the one shipped with the tool. */
  templates?: string;
  progress?: Progress;
  signal?: AbortSignal;
  /** Warnings of one rule listed before the rest are summarised (default: all). */
  warningLimit?: number;
  /**
   * Where results are kept between builds: a folder, or false for none.
   * Default: `.cache/anthology` next to the book config (or in `cwd`).
   */
  cache?: boolean | string;
  /** Download remote images into the outputs (default: never; see src/assets/remote.ts). */
  fetchImages?: boolean | { cacheDir?: string; allowPrivate?: boolean; timeoutMs?: number; maxBytes?: number };
  /**
   * Print only the K-th of N parts of the articles into a shard folder
   * (default output folder: `<output.dir>-shard-K-of-N`); see src/shard.ts.
   */
  shard?: Shard;
  /** Shard folders to assemble the outputs from: no article is printed, every print comes from them. */
  merge?: readonly string[];
  /**
   * Print on these remote browsers instead of launching one (`--browser-ws`):
   * `ws://`/`wss://` DevTools addresses or `http://host:port`; the jobs are
   * spread over them, and they are disconnected from, never closed.
   */
  browserWs?: readonly string[];
  /** The EPUB profile, over the config's `epub.profile` (`--epub-profile`). */
  epubProfile?: EpubProfile;
  /** Also write the print edition: interior, cover wrap, report (`--print`); default: the config's `print.enabled`. */
  print?: boolean;
  /** Editions besides the config's `editions:` (`--edition`), each written into `<out>/<id>/` (src/editions/). */
  editions?: readonly EditionInput[];
}

export interface StageTiming {
  stage: string;
  ms: number;
}

export interface BuildResult {
  ok: boolean;
  diagnostics: Diagnostics;
  /** Absolute path of the output folder (written only when `ok`). */
  outDir?: string;
  files: OutputFile[];
  timings: StageTiming[];
  book?: Book;
  /** Articles taken from the build cache, and articles processed anew. */
  articles: { cached: number; processed: number };
  /** Set when nothing had changed since the last build into the same folder, which was left as it was. */
  upToDate?: boolean;
  /** Which config file was used (none: every default), and why one present was not. */
  config: ConfigChoice;
  /** The editions written, by id (their files are under `<id>/`). */
  editions?: string[];
}

interface BuildRecord {
  key: string;
  files: OutputFile[];
}

/** What the outputs are made from: the tool, the config, the templates, every article with its images. */
async function bookSource(book: Book, templatesDir: string): Promise<ShardSource> {
  const parts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else parts.push(path.relative(templatesDir, p), hashOf(await readFile(p)));
    }
  };
  await walk(templatesDir);
  // The config without where it lives (shards may be built in other folders), plus the cover's bytes.
  const { base: _base, file: _file, ...config } = book.config;
  const cover = book.config.cover ? await readFile(path.resolve(book.config.base, book.config.cover)).then(hashOf, () => 'missing') : '';
  const articles: Record<string, string> = {};
  for (const a of book.articles) articles[a.path] = hashOf(a.slug, a.hash, ...a.assets.map((x) => x.hash));
  // Bibliographies and a CSL file are read after loading: their bytes count as the config's.
  return { tool: await toolFingerprint(), config: hashOf(JSON.stringify(config), cover, await citationSourcesKey(book)), templates: hashOf(...parts), articles };
}

/** Everything the outputs depend on: the book's source and the build's options. */
function fingerprint(source: ShardSource, formats: readonly Format[], options: BuildOptions, search: boolean): string {
  return hashOf(JSON.stringify(source), formats.join(','), String(search), String(options.drafts ?? false), JSON.stringify(options.fetchImages ?? false), JSON.stringify(options.shard ?? null), ...(options.print ? ['print'] : []), ...(options.editions?.length ? [JSON.stringify(options.editions)] : []));
}

/** The files of the last build into `outDir`, if its key matches and they are all still there, unchanged in size. */
async function upToDate(cache: Cache, outDir: string, key: string): Promise<OutputFile[] | undefined> {
  const record = await cache.readJson<BuildRecord>('builds', hashOf(outDir));
  if (!record || record.key !== key) return undefined;
  for (const f of record.files) {
    try {
      if ((await stat(path.join(outDir, f.path))).size !== f.bytes) return undefined;
    } catch {
      return undefined;
    }
  }
  return record.files;
}

/** What the build hands the outputs besides their common context: the resources it owns. */
interface Owned {
  browser: SharedBrowser;
  search?: Promise<StartedSearch | undefined>;
  shard?: Shard & { source: ShardSource };
  prints?: ReadonlyMap<string, string>;
  print?: boolean;
}

/**
 * Outputs by format, in the order they run, each given what it needs of
 * what the build owns. The site runs last so that it links only to
 * downloads that really were written.
 */
const OUTPUTS: Readonly<Record<Format, (ctx: OutputContext, owned: Owned) => Promise<OutputFile[]>>> = {
  pdf: async (ctx, { browser, shard, prints, print }) => (await import('./outputs/pdf/index.ts')).writePdfs(ctx, { browser, shard, prints, ...(print ? { print } : {}) }),
  epub: async (ctx, { browser }) => (await import('./outputs/epub.ts')).writeEpub(ctx, { browser }),
  html: (ctx, { search }) => writeSite(ctx, { search }),
};

export const TOOL_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const progress = options.progress ?? silentProgress;
  const diagnostics = new Diagnostics({ perRuleLimit: options.warningLimit });
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings.push({ stage, ms: performance.now() - t0 });
    }
  };
  const articleStats = { cached: 0, processed: 0 };
  const choice = locateConfig(cwd, options);
  const fail = (book?: Book): BuildResult => ({ ok: false, diagnostics, files: [], timings, book, articles: articleStats, config: choice });

  const { config: loaded, diagnostics: configProblems } = choice.file ? await loadConfig(cwd, choice.file) : { config: defaultConfig(cwd), diagnostics: [] };
  for (const d of configProblems) diagnostics.add(d);
  if (!loaded) return fail();
  const config: BookConfig = options.epubProfile ? { ...loaded, epub: { ...loaded.epub, profile: options.epubProfile } } : loaded;
  const root = choice.articles ?? path.resolve(options.articles ? cwd : config.base, options.articles ?? config.articles);
  const shard = options.shard;
  const outDir = path.resolve(options.out ? cwd : config.base, options.out ?? (shard ? `${config.output.dir}-shard-${shard.k}-of-${shard.n}` : config.output.dir));
  // A shard prints PDFs and nothing else; the merge makes every output.
  const formats = shard ? (['pdf'] as Format[]) : FORMATS.filter((f) => (options.formats ?? config.output.formats).includes(f));

  const cache = new Cache(
    options.cache === false ? undefined : typeof options.cache === 'string' ? path.resolve(cwd, options.cache) : path.join(config.base, '.cache', 'anthology'),
  );
  progress.start('parse');
  let book = await timed('parse', () =>
    loadBook({ config, root, drafts: options.drafts, diagnostics, cache, stats: articleStats, onArticle: (done, total) => progress.tick('parse', done, total) }),
  );
  progress.end('parse', book ? `${book.articles.length} article${book.articles.length === 1 ? '' : 's'}` : undefined);
  if (options.strict) for (const d of diagnostics.items) d.severity = 'error';
  if (!book || diagnostics.hasErrors()) return fail(book);
  if (options.fetchImages) {
    const fetchOptions = typeof options.fetchImages === 'object' ? options.fetchImages : {};
    const cacheDir = path.resolve(config.base, fetchOptions.cacheDir ?? '.cache/anthology/images');
    progress.start('images');
    const loaded = book;
    const fetched = await timed('images', () => fetchRemoteImages(loaded, diagnostics, { ...fetchOptions, cacheDir, signal: options.signal }));
    book = fetched.book;
    const stats = fetched.stats;
    progress.end('images', `${stats.fetched} downloaded, ${stats.cached} from the cache, ${stats.failed} failed`);
    if (options.strict) for (const d of diagnostics.items) d.severity = 'error';
    if (diagnostics.hasErrors()) return fail(book);
  }
  if (isInside(outDir, root) || isInside(root, outDir)) {
    diagnostics.error('out-dir', `The output folder ${outDir} and the articles folder ${root} must not contain each other: the build replaces the output folder whole`);
    return fail(book);
  }

  const templatesDir = options.templates ? path.resolve(cwd, options.templates) : isDir(path.join(cwd, 'templates')) ? path.join(cwd, 'templates') : path.join(TOOL_ROOT, 'templates');
  let templates: Templates;
  try {
    templates = await loadTemplates(templatesDir);
  } catch (error) {
    diagnostics.error('template', `Cannot read the templates: ${(error as Error).message.split('\n')[0]}`, { file: (error as { file?: string }).file ?? path.join(templatesDir, 'labels.yaml') });
    return fail(book);
  }

  // Nothing changed since the last build into this folder: the outputs are already right.
  const source = await bookSource(book, templatesDir);
  let prints: ReadonlyMap<string, string> | undefined;
  if (options.merge) {
    prints = await readShards(options.merge.map((d) => path.resolve(cwd, d)), source, diagnostics);
    if (!prints) return fail(book);
  }
  // Installing Pagefind later adds search to an otherwise unchanged build.
  const buildKey = fingerprint(source, formats, options, formats.includes('html') && (await searchAvailable()));
  const previous = await upToDate(cache, outDir, buildKey);
  if (previous) {
    progress.end('up to date', 'nothing changed since the last build');
    return { ok: true, diagnostics, outDir, files: previous, timings, book, articles: articleStats, upToDate: true, config: choice };
  }

  const staging = `${outDir}.staging-${process.pid}-${randomBytes(4).toString('hex')}`;
  const files = new Map<string, OutputFile>();
  const editionIds: string[] = [];
  const cleanup = () => rm(staging, { recursive: true, force: true }).catch(() => undefined);
  // One browser for the whole build (or the remote ones), started by the first output that needs it.
  const browser = new SharedBrowser(config, options.signal, options.browserWs);
  const closeOnAbort = () => void browser.close();
  let search: Promise<StartedSearch | undefined> | undefined;
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await mkdir(path.dirname(outDir), { recursive: true });
    await mkdir(staging);
    // Words in each article's language, citations and diagrams (in the build's browser): the book as the outputs show it.
    progress.start('finish articles');
    const loaded = book;
    book = verticalBook(await timed('articles', () => finishBook(loaded, { templates, diagnostics, browser, cache, signal: options.signal })));
    progress.end('finish articles');
    if (options.strict) for (const d of diagnostics.items) d.severity = 'error';
    if (diagnostics.hasErrors()) {
      await cleanup();
      return fail(book);
    }
    const context: OutputContext = { book, templates, outDir: staging, diagnostics, progress, files, signal: options.signal, cache };
    // Search indexing runs in Pagefind's own process while the PDFs and the EPUB are made.
    if (formats.includes('html')) {
      search = startSearch(context, siteTrees(book));
      search.catch(() => undefined);
    }
    const owned: Owned = { browser, search, shard: shard && { ...shard, source }, prints, print: options.print ?? config.print?.enabled ?? false };
    const writeOutputs = async (ctx: OutputContext, own: Owned, into: Map<string, OutputFile>, stage = '') => {
      for (const format of ['pdf', 'epub', 'html'] as const) {
        if (!formats.includes(format)) continue;
        options.signal?.throwIfAborted();
        const written = await timed(stage + format, () => OUTPUTS[format](ctx, own));
        for (const f of written) into.set(f.path, f);
        if (diagnostics.hasErrors()) break;
      }
    };
    await writeOutputs(context, owned, files);
    // Every article as CSL-JSON, with its pages in the anthology PDF (src/outputs/citations.ts).
    if (!shard && !diagnostics.hasErrors()) files.set(CITATIONS_FILE, await writeCitations(context));
    // Editions (src/editions/): the same outputs of the book in another script or set vertically, in `<id>/`; not printed by shards.
    for (const edition of shard ? [] : editionsOf([...config.editions, ...(options.editions ?? [])])) {
      if (diagnostics.hasErrors()) break;
      const written = await writeEdition(context, edition, async (ctx, into) => {
        const started = formats.includes('html') ? startSearch(ctx, siteTrees(ctx.book)) : undefined;
        started?.catch(() => undefined);
        try {
          await writeOutputs(ctx, { browser, search: started, print: false }, into, `${edition.id} `);
        } finally {
          await started?.then((s) => s?.index.close(), () => undefined);
        }
      });
      for (const f of written) files.set(f.path, f);
      editionIds.push(edition.id);
    }
    if (options.strict) for (const d of diagnostics.items) d.severity = 'error';
    if (diagnostics.hasErrors()) {
      await cleanup();
      return fail(book);
    }
    await timed('finish', () => swapIntoPlace(staging, outDir));
    await cache.writeJson('builds', hashOf(outDir), { key: buildKey, files: [...files.values()] } satisfies BuildRecord);
  } catch (error) {
    await cleanup();
    const template = templateProblem(error);
    if (error instanceof BuildError) for (const d of error.diagnostics) diagnostics.add(d);
    else if (template) diagnostics.add(template);
    else if ((error as Error).name === 'AbortError') diagnostics.error('interrupted', 'The build was interrupted; the output folder was left as it was');
    else if (isWriteError(error)) diagnostics.error('output-write', `Cannot write the output: ${writeErrorReason(error)}; the output folder ${outDir} was left as it was`);
    else diagnostics.error('internal', `Unexpected failure: ${(error as Error).stack ?? String(error)}`);
    return fail(book);
  } finally {
    options.signal?.removeEventListener('abort', closeOnAbort);
    await search?.then((s) => s?.index.close(), () => undefined);
    await browser.close();
  }
  return { ok: true, diagnostics, outDir, files: [...files.values()], timings, book, articles: articleStats, config: choice, ...(editionIds.length ? { editions: editionIds } : {}) };
}

/** A LiquidJS error as a diagnostic at its template's line, or undefined for any other error. */
function templateProblem(error: unknown): Diagnostic | undefined {
  const e = error as { name?: string; token?: { file?: string; getPosition?: () => [number, number] }; originalError?: Error; message?: string };
  if (!e?.token || typeof e.token.getPosition !== 'function' || !/Error/.test(e.name ?? '')) return undefined;
  const [line, column] = e.token.getPosition();
  const message = (e.originalError?.message ?? e.message ?? 'template error').replace(/, (file|line|col):[^,]*/g, '');
  return { severity: 'error', rule: 'template', message: `Template error: ${message}`, file: e.token.file, line, column };
}

/** Replaces `outDir` by `staging` with two renames, so readers never see half a build. */
async function swapIntoPlace(staging: string, outDir: string): Promise<void> {
  const old = `${outDir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(outDir, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(staging, outDir);
  } catch (error) {
    if (moved) await rename(old, outDir);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EMFILE: 'too many open files',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
};

function isWriteError(error: unknown): error is NodeJS.ErrnoException & { path?: string } {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && code in WRITE_ERRORS;
}

function writeErrorReason(error: NodeJS.ErrnoException & { dest?: string }): string {
  const where = error.dest ?? error.path;
  return `${WRITE_ERRORS[error.code!]}${where ? ` (${where})` : ''}`;
}
