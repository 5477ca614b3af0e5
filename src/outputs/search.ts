/**
 * Full-text search for the website, with Pagefind (https://pagefind.app).
 *
 * The site stays usable without JavaScript: search is an enhancement. The
 * build indexes each article's body, title, subtitle and authors, and writes
 * Pagefind's bundle (index fragments, its WebAssembly, `pagefind.js` and the
 * default UI `pagefind-ui.js`) into `pagefind/`; `search.html` runs the UI.
 * Nothing is loaded from the network at search time: it works on any static
 * file server, offline too, but not from `file://` (Pagefind fetches its
 * index, and browsers do not let pages fetch files).
 *
 * One index for the whole book. Pagefind splits an index by language and a
 * page searches only the index of its own `<html lang>`, so in a book that
 * mixes Chinese and English articles, a search from a Chinese page would
 * never find the English ones. The book is indexed as one language instead:
 * the book's, or, when the book's language is not written with spaces
 * between words but some articles are (Chinese, Japanese, Thai: Pagefind
 * cuts those into words), the most common of those. English words in a
 * Chinese index are still words (lower-cased, matched whole or by prefix),
 * they are only not stemmed; Chinese text in an English index would not be
 * cut into words at all, and could not be found.
 *
 * Indexing runs in Pagefind's own process (a binary from the npm package of
 * the platform, e.g. `@pagefind/linux-x64`) while the site renders; when it
 * cannot start, the site is built without search and a warning says why.
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { articleView, type ArticleView } from '../templates.ts';
import type { Book } from '../types.ts';
import type { OutputContext, OutputFile } from './types.ts';

/** Where the bundle goes in the site, and where the pages find it. */
export const SEARCH_DIR = 'pagefind';
/** The search page, at the root of the site. */
export const SEARCH_PAGE = 'search.html';

/** Languages that Pagefind cuts into words itself, at indexing and in the browser. */
const SEGMENTED = new Set(['zh', 'ja', 'th']);

/**
 * Files of the bundle the site does not use: Pagefind's other two UIs and
 * its highlighting script. Everything else of the bundle is loaded by
 * `pagefind-ui.js` when it runs.
 */
const UNUSED = /^pagefind-(component-ui|modular-ui|highlight)\.|^playground\//;

/** One page of the site to index. */
export interface SearchPage {
  /** Path of the page in the site, relative to its root: `articles/<slug>.html`. */
  path: string;
  article: ArticleView;
  /** The body as the page shows it (links and images resolved for the site). */
  tree: Root;
}

export interface SearchIndex {
  /** The language the index is built and queried in, lower case (`zh-cn`). */
  language: string;
  /** Queues a page; indexing runs alongside whatever the caller does next. */
  add(page: SearchPage): void;
  /** Says that every page was added: Pagefind builds the index now, in its own process, while the caller goes on. */
  seal(): void;
  /** Waits for the pages, writes the bundle into `pagefind/` and lists its files. */
  write(): Promise<OutputFile[]>;
  /** Frees the index (and stops Pagefind when no other build uses it). Safe to call twice. */
  close(): Promise<void>;
}

type Pagefind = typeof import('pagefind');
type PagefindIndex = NonNullable<Awaited<ReturnType<Pagefind['createIndex']>>['index']>;

/** Builds in this process that hold an index: Pagefind's process stops when none does. */
let users = 0;

/**
 * Starts an index for the book, or returns undefined (with a warning) when
 * Pagefind cannot run here: the site is then built without search.
 */
/** The search index with every article page queued, and the pages' trees as the site shows them. */
export interface StartedSearch {
  index: SearchIndex;
  trees: Root[];
}

/**
 * Opens the search index and queues every article (`trees`: their bodies as
 * the site shows them, in book order): Pagefind indexes them in its own
 * process while the caller goes on. Undefined when search is unavailable (a
 * warning says why). The caller closes the index (`index.close()`) when the
 * build ends, whatever happened.
 */
export async function startSearch(ctx: OutputContext, trees: Root[]): Promise<StartedSearch | undefined> {
  const index = await openSearchIndex(ctx);
  if (!index) return undefined;
  const { book } = ctx;
  for (const [i, article] of book.articles.entries()) {
    index.add({ path: `articles/${article.slug}.html`, article: articleView(book, article, i), tree: trees[i]! });
  }
  index.seal();
  return { index, trees };
}

async function openSearchIndex(ctx: OutputContext): Promise<SearchIndex | undefined> {
  if (ctx.book.articles.length === 0) return undefined; // Pagefind refuses to write an empty index.
  const language = searchLanguage(ctx.book);
  let pagefind: Pagefind;
  let index: PagefindIndex;
  users++;
  try {
    await checkBinary();
    pagefind = await import('pagefind');
    const created = await pagefind.createIndex({ forceLanguage: language });
    if (!created.index) throw new Error(created.errors.join('; ') || 'no index was created');
    index = created.index;
  } catch (error) {
    await release();
    ctx.diagnostics.warn('search-unavailable', `The site is built without full-text search: Pagefind could not start (${reason(error)})`);
    return undefined;
  }

  const pending: Promise<string[]>[] = [];
  let closed: Promise<void> | undefined;
  let built: Promise<{ problems: string[]; files: { path: string; content: Uint8Array }[] }> | undefined;
  const build = () =>
    (built ??= (async () => {
      const problems = (await Promise.all(pending)).flat();
      const { errors, files } = await index.getFiles();
      if (errors.length) throw new Error(`Pagefind could not write the search index: ${errors.join('; ')}`);
      return { problems, files };
    })());
  const close = () =>
    (closed ??= (async () => {
      // Pagefind answers one request at a time: after an interruption, do
      // not wait for it to finish the work queued before (stopping it below
      // ends that work, unless another build in this process still uses it).
      if (!ctx.signal?.aborted) {
        await Promise.allSettled([...pending, built]);
        await index.deleteIndex().catch(() => undefined);
      }
      await release();
    })());

  return {
    language,
    add(page) {
      const indexing = index
        .addHTMLFile({ url: `/${page.path}`, content: indexedHtml(page, language) })
        .then((r) => r.errors.map((e) => `${page.path}: ${e}`));
      // Failures are reported by write(); never as an unhandled rejection.
      indexing.catch(() => undefined);
      pending.push(indexing);
    },
    seal() {
      build().catch(() => undefined); // reported by write()
    },
    async write() {
      ctx.progress.start('search', pending.length);
      const t0 = performance.now();
      const { problems, files } = await abortable(build(), ctx.signal);
      for (const p of problems) ctx.diagnostics.warn('search-index', `Not indexed for search: ${p}`);
      const written: OutputFile[] = [];
      for (const f of files) {
        const rel = f.path.replace(/\\/g, '/').replace(/^\/+/, '');
        if (UNUSED.test(rel)) continue;
        const file = path.join(ctx.outDir, SEARCH_DIR, rel);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, f.content);
        written.push({ path: `${SEARCH_DIR}/${rel}`, bytes: f.content.byteLength });
      }
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      ctx.progress.end('search', `${pending.length} pages indexed (${language}), ${written.length} files, ${seconds}s after the pages`);
      return written;
    },
    close,
  };

  async function release(): Promise<void> {
    if (--users === 0) {
      const pf = await import('pagefind').catch(() => undefined);
      await pf?.close().catch(() => undefined);
    }
  }
}

/** Whether search can be built here (Pagefind's binary is there): part of the whole-build key. */
export function searchAvailable(): Promise<boolean> {
  return checkBinary().then(
    () => true,
    () => false,
  );
}

/**
 * Throws a clear reason when Pagefind's binary is missing: the npm package
 * would print a stack trace and answer only "backend closed". The binary
 * comes from an optional dependency for the platform (`@pagefind/linux-x64`,
 * …), or from `PAGEFIND_EXTENDED_BINARY_PATH` / `PAGEFIND_BINARY_PATH`.
 */
async function checkBinary(): Promise<void> {
  let resolve: ((names: string[]) => string) | undefined;
  try {
    // Not among the package's exports: found next to its entry point.
    const entry = import.meta.resolve('pagefind');
    ({ resolveBinaryPath: resolve } = (await import(new URL('resolveBinary.js', entry).href)) as { resolveBinaryPath: (names: string[]) => string });
  } catch {
    return; // A different layout of the package: let it find its binary itself.
  }
  let binary: string;
  try {
    binary = resolve(['pagefind_extended', 'pagefind']);
  } catch {
    throw new Error(`no Pagefind binary for ${process.platform}-${process.arch}; its npm package @pagefind/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch} is not installed (npm ci installs it where Pagefind supports the platform)`);
  }
  try {
    await access(binary, fsConstants.X_OK);
  } catch {
    throw new Error(`${binary} is missing or not executable`);
  }
}

/**
 * The one language the book is indexed in (see the top of this file):
 * lower case, as Pagefind names its indexes.
 */
export function searchLanguage(book: Book): string {
  const primary = (tag: string) => tag.toLowerCase().split('-')[0]!;
  const bookLang = (book.config.lang ?? book.articles[0]?.lang ?? 'en').toLowerCase();
  if (SEGMENTED.has(primary(bookLang))) return bookLang;
  const counts = new Map<string, number>();
  for (const a of book.articles) {
    if (SEGMENTED.has(primary(a.lang))) counts.set(a.lang.toLowerCase(), (counts.get(a.lang.toLowerCase()) ?? 0) + 1);
  }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top ? top[0] : bookLang;
}

/** Whether the browser has to cut queries in this language into words. */
export function needsSegmentation(language: string): boolean {
  return SEGMENTED.has(language.toLowerCase().split('-')[0]!);
}

/**
 * What Pagefind reads for one article: the title, subtitle and authors
 * (which are searchable) and the body, with the title, authors and date as
 * the result's metadata. Not the page itself, so that the site's navigation,
 * table of contents, tags and downloads stay out of the index whatever the
 * templates look like. Headings keep their ids: Pagefind links to them.
 */
function indexedHtml(page: SearchPage, language: string): string {
  const a = page.article;
  const doc = h('html', { lang: language }, [
    h('head', [h('title', a.title)]),
    h('body', [
      h('article', { dataPagefindBody: '', lang: a.lang }, [
        h('h1', { dataPagefindMeta: 'title' }, a.title),
        a.subtitle ? h('p', a.subtitle) : undefined,
        a.authors ? h('p', { dataPagefindMeta: 'author' }, a.authors) : undefined,
        a.dateLabel ? h('span', { dataPagefindMeta: `date:${a.dateLabel}` }) : undefined,
        ...page.tree.children,
      ]),
    ]),
  ]);
  return '<!DOCTYPE html>' + toHtml(doc);
}

/** The promise, or an AbortError as soon as the signal fires. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
