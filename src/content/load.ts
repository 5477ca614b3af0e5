/**
 * Loading: the articles folder and the book config become a `Book` of
 * validated, processed articles in book order. Problems are collected, not
 * thrown, so that every one of them is reported in one run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Root } from 'hast';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Cache, fileStamp, hashOf, toolFingerprint } from '../cache.ts';
import type { BookConfig } from '../config.ts';
import type { Diagnostics } from '../diagnostics.ts';
import type { BookContext } from '../markdown/data.ts';
import { createProcessor } from '../markdown/processor.ts';
import type { Article, Asset, Book } from '../types.ts';
import { checkLangTag } from '../lang-tag.ts';
import { reportDuplicates } from '../duplicates/report.ts';
import { decode } from './decode.ts';
import { compareNatural, findArticles } from './find.ts';
import { type FrontMatter, parseFrontMatter, splitFrontMatter } from './frontmatter.ts';
import { type Processed, processSource, type Source } from './process.ts';

export interface LoadOptions {
  config: BookConfig;
  /** Absolute path of the articles folder. */
  root: string;
  drafts?: boolean;
  diagnostics: Diagnostics;
  /** Called after each article, for progress displays. */
  onArticle?: (done: number, total: number) => void;
  /** Processed articles are kept here between builds (default: none). */
  cache?: Cache;
  /** Worker threads to process articles in (default: one per core for large books; 1: none). */
  threads?: number;
  /** Filled in with how many articles came from the cache and how many were processed. */
  stats?: { cached: number; processed: number };
}

/** Below this many articles to process, worker threads cost more than they save. */
const WORKER_THRESHOLD = 24;

interface CacheEntry {
  /** The article without its tree, which is kept in `<key>.tree.json`. */
  result: Processed;
  /** Size and time of every local image the article uses, to notice a changed image. */
  stamps: [string, string][];
  /** Cleaned SVG bytes, base64, by asset name (JSON cannot hold a Buffer). */
  contents: [string, string][];
}

/** Processes every source, from the cache where it can, in parallel where it pays; results in source order. */
async function processAll(sources: Source[], context: BookContext, bookLang: string | undefined, options: LoadOptions): Promise<Processed[]> {
  const cache = options.cache ?? new Cache(undefined);
  const tool = await toolFingerprint();
  // A changed set of articles (paths, slugs) changes where links point: every key changes with it.
  const bookKey = hashOf(tool, JSON.stringify([...context.articles]), bookLang ?? '', JSON.stringify(context.typography ?? {}));
  const keys = sources.map((s) => hashOf(bookKey, s.path, s.slug, s.hash));
  const results: (Processed | undefined)[] = await Promise.all(keys.map((key) => readEntry(cache, key)));
  let done = results.filter(Boolean).length;
  options.onArticle?.(done, sources.length);

  const missing = sources.map((s, i) => ({ s, i })).filter(({ i }) => !results[i]);
  if (options.stats) {
    options.stats.cached = sources.length - missing.length;
    options.stats.processed = missing.length;
  }
  const finish = async (i: number, r: Processed) => {
    results[i] = r;
    options.onArticle?.(++done, sources.length);
    await writeEntry(cache, keys[i]!, r);
  };
  const threads = options.threads ?? (missing.length >= WORKER_THRESHOLD ? Math.min(os.availableParallelism(), Math.ceil(missing.length / 8)) : 1);
  if (threads > 1) {
    await inWorkers(missing, context, bookLang, threads, finish);
  } else {
    const processor = createProcessor();
    for (const { s, i } of missing) await finish(i, await processSource(processor, s, context, bookLang));
  }
  return results as Processed[];
}

async function readEntry(cache: Cache, key: string): Promise<Processed | undefined> {
  const entry = await cache.readJson<CacheEntry>('articles', key);
  if (!entry) return undefined;
  for (const [file, stamp] of entry.stamps) if ((await fileStamp(file)) !== stamp) return undefined;
  const contents = new Map(entry.contents);
  const article = entry.result.article;
  if (article) {
    for (const asset of article.assets) {
      const base64 = contents.get(asset.name);
      if (base64 !== undefined) asset.content = Buffer.from(base64, 'base64');
    }
    // The tree is the bulk of an entry and a build with nothing to do never
    // needs it: it is read from its own file the first time it is used.
    const treeFile = cache.file('articles', key, '.tree.json')!;
    if (!existsSync(treeFile)) return undefined;
    let tree: Root | undefined;
    Object.defineProperty(article, 'tree', {
      enumerable: true,
      configurable: true,
      get: () => (tree ??= JSON.parse(readFileSync(treeFile, 'utf8')) as Root),
      set: (value: Root) => {
        tree = value;
      },
    });
  }
  return entry.result;
}

async function writeEntry(cache: Cache, key: string, result: Processed): Promise<void> {
  if (!cache.enabled) return;
  const assets = result.article?.assets ?? [];
  const stamps: [string, string][] = [];
  for (const a of assets) stamps.push([a.source, (await fileStamp(a.source)) ?? 'missing']);
  const contents = assets.flatMap((a): [string, string][] => (a.content ? [[a.name, a.content.toString('base64')]] : []));
  if (result.article) await cache.writeBytes('articles', key, '.tree.json', JSON.stringify(result.article.tree));
  const article = result.article && { ...result.article, tree: undefined, assets: assets.map(({ content: _, ...rest }) => rest) };
  await cache.writeJson('articles', key, { result: { ...result, article }, stamps, contents });
}

/** Spreads the articles over worker threads, each with its own processor. */
async function inWorkers(
  jobs: { s: Source; i: number }[],
  context: BookContext,
  bookLang: string | undefined,
  threads: number,
  finish: (i: number, r: Processed) => Promise<void>,
): Promise<void> {
  const workerData = { root: context.root, articles: [...context.articles], bookLang, typography: context.typography };
  // Parsing allocates many short-lived objects: a larger young generation than
  // V8's default spends far less time collecting (407 articles: ~18 % faster).
  const resourceLimits = { maxYoungGenerationSizeMb: 96 };
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData, resourceLimits }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const pending = new Map<number, number>();
            const send = () => {
              if (next >= jobs.length) return resolve();
              const job = jobs[next++]!;
              pending.set(job.i, job.i);
              worker.postMessage({ id: job.i, source: job.s });
            };
            worker.on('message', (m: { id: number; result?: Processed; error?: string }) => {
              pending.delete(m.id);
              if (m.error) return reject(new Error(`Processing ${jobs.find((j) => j.i === m.id)?.s.file}: ${m.error}`));
              finish(m.id, revive(m.result!)).then(send, reject);
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (pending.size ? reject(new Error(`a worker thread stopped (exit code ${code})`)) : undefined));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Buffers arrive from a worker as Uint8Arrays. */
function revive(result: Processed): Processed {
  for (const a of result.article?.assets ?? []) if (a.content && !Buffer.isBuffer(a.content)) a.content = Buffer.from(a.content);
  return result;
}


export async function loadBook(options: LoadOptions): Promise<Book | undefined> {
  const { config, root, diagnostics } = options;
  let files: string[];
  try {
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
    files = await findArticles(root);
  } catch (error) {
    diagnostics.error('articles-folder', `Cannot read the articles folder ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
    return undefined;
  }
  if (files.length === 0) {
    diagnostics.error('articles-none', `No Markdown files (.md) in the articles folder ${root}`);
    return undefined;
  }

  // 1. Read every file and its front matter, so links can be resolved next.
  const sources: Source[] = [];
  const slugs = new Set<string>();
  const slugOwners = new Map<string, Source>();
  const left = { drafts: 0, empty: 0, unread: 0 };
  for (const file of files) {
    const source = await readSource(file, root, diagnostics);
    if (!source) {
      left.unread++;
      continue;
    }
    if (source.meta.draft && !options.drafts) {
      left.drafts++;
      continue;
    }
    if (isEmpty(source)) {
      diagnostics.warn('article-empty', 'The article is empty (no text and no title): it is left out of the book. Write it, or start its file name with "_" to keep it in the folder unpublished', {
        file,
        line: 1,
        column: 1,
      });
      left.empty++;
      continue;
    }
    const wanted = source.slug;
    source.slug = uniqueSlug(wanted, slugs);
    const owner = slugOwners.get(wanted);
    if (owner) reportDuplicateSlug(source, owner, wanted, diagnostics);
    else slugOwners.set(wanted, source);
    slugOwners.set(source.slug, source);
    sources.push(source);
  }
  // Every file left out: a book of nothing is no book (unreadable files have their errors already).
  if (sources.length === 0 && left.unread === 0) {
    const why = [left.empty && `${left.empty} empty`, left.drafts && `${left.drafts} draft${left.drafts === 1 ? '' : 's'} (--drafts includes them)`].filter(Boolean).join(', ');
    diagnostics.error('articles-none', `No articles to build in the articles folder ${root}: of its ${files.length} Markdown file${files.length === 1 ? '' : 's'}, ${why}`);
    return undefined;
  }

  // The same article twice (the same source, nearly the same text) is named.
  reportDuplicates(sources.map((s) => ({ path: s.path, file: s.file, source: s.meta.source, sourceAt: s.places?.source, text: s.body })), diagnostics);

  // 2. Process the Markdown of each, with the whole book's paths known.
  const context: BookContext = {
    root,
    articles: new Map(sources.map((s) => [s.path, { slug: s.slug }])),
    assets: new Map(),
    typography: config.typography,
  };
  const results = await processAll(sources, context, config.lang, options);
  const articles: Article[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) diagnostics.add(d);
    if (r.article) articles.push(r.article);
  }

  const ordered = orderArticles(articles, config, diagnostics);
  const lang = config.lang ?? mostCommon(ordered.map((a) => a.lang)) ?? 'en';
  const assets = new Map<string, Asset>();
  const tags = new Map<string, { slug: string; articles: string[] }>();
  const tagSlugs = new Set<string>();
  for (const a of ordered) {
    for (const asset of a.assets) assets.set(asset.name, asset);
    for (const tag of a.tags) {
      let entry = tags.get(tag);
      if (!entry) {
        entry = { slug: uniqueSlug(slugify(tag) || 'tag', tagSlugs), articles: [] };
        tags.set(tag, entry);
      }
      entry.articles.push(a.slug);
    }
  }
  return { config: { ...config, lang }, root, articles: ordered, assets, tags };
}

async function readSource(file: string, root: string, diagnostics: Diagnostics): Promise<Source | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    diagnostics.error('article-unreadable', `Cannot read the article: ${(error as Error).message}`, { file });
    return undefined;
  }
  const decoded = decode(bytes);
  if (decoded.failed) {
    diagnostics.error('encoding', `Cannot read the file as text: it is not UTF-8, GB18030 or Big5 (it looks most like ${decoded.encoding}). Save it as UTF-8`, { file, line: 1, column: 1 });
    return undefined;
  }
  if (decoded.guessed) {
    diagnostics.warn('encoding', `The file is not UTF-8; decoded it as ${decoded.encoding}. Save it as UTF-8 to be sure it reads right`, { file, line: 1, column: 1 });
  }
  const { yaml, body } = splitFrontMatter(decoded.text);
  let meta: FrontMatter = { draft: false };
  let places: Source['places'] = {};
  if (yaml !== undefined) {
    const parsed = parseFrontMatter(yaml, file);
    for (const d of parsed.diagnostics) diagnostics.add(d);
    if (!parsed.data) return undefined;
    meta = parsed.data;
    places = { slug: parsed.valueAt?.(['slug']), cover: parsed.valueAt?.(['cover']), lang: parsed.valueAt?.(['lang']), source: parsed.valueAt?.(['source']) };
  }
  if (meta.lang !== undefined) {
    const checked = checkLangTag(meta.lang);
    if (!checked.ok || checked.note) {
      const fallback = 'the language guessed from its text, else the book\'s';
      const message = checked.ok ? `Unexpected \`lang\` in front matter: ${checked.note}` : `Invalid \`lang\` in front matter: ${checked.problem}; using ${fallback}. Write a tag such as "zh-CN", "zh-TW", "en" or "ja"`;
      diagnostics.warn('front-matter-lang', message, { file, ...places.lang });
    }
    meta = { ...meta, lang: checked.ok ? checked.tag : undefined };
  }
  const rel = path.relative(root, file).split(path.sep).join('/');
  const stem = path.basename(file).replace(/\.(md|markdown)$/i, '');
  return {
    file,
    path: rel,
    body,
    meta,
    slug: meta.slug ?? (slugify(stem) || 'article'),
    hash: createHash('sha256').update(bytes).digest('hex'),
    places,
  };
}

/** No text and no title: nothing a reader could be shown but a blank chapter. */
function isEmpty(source: Source): boolean {
  return source.meta.title === undefined && source.body.trim() === '';
}

/** A second article wants a slug that another has: it gets `slug-2`, and both are named. */
function reportDuplicateSlug(source: Source, owner: Source, wanted: string, diagnostics: Diagnostics): void {
  const ownerLine = owner.places?.slug ? ` (line ${owner.places.slug.line})` : '';
  const theirs = owner.meta.slug !== undefined ? `${owner.path} has \`slug: ${wanted}\`${ownerLine}` : `${owner.path} is named \`${wanted}\` after its file`;
  const mine = source.meta.slug !== undefined ? 'this article asks for it too' : `this article (${source.path}) is named after its file too`;
  diagnostics.warn(
    'slug-duplicate',
    `Duplicate slug \`${wanted}\`: ${theirs}, and ${mine}; this article is published as \`${source.slug}\` instead (articles/${source.slug}.html, pdf/${source.slug}.pdf). Give one of them another \`slug:\` in its front matter`,
    { file: source.file, ...(source.places?.slug ?? { line: 1, column: 1 }) },
  );
}

/** Book order: the config's explicit list first, then its `sort`. */
function orderArticles(articles: Article[], config: BookConfig, diagnostics: Diagnostics): Article[] {
  const byPath = new Map(articles.map((a) => [a.path, a]));
  const first: Article[] = [];
  for (const p of config.order) {
    const a = byPath.get(p.replace(/^\.\//, ''));
    if (a && !first.includes(a)) first.push(a);
    else if (!a) {
      diagnostics.warn('config-order', `The book config's \`order\` names "${p}", which is not an article of this book (paths are relative to the articles folder)`, {
        file: config.file,
      });
    }
  }
  const rest = articles.filter((a) => !first.includes(a));
  const byDate = (a: Article, b: Article) => (a.date ?? '\uffff').localeCompare(b.date ?? '\uffff');
  const byPathOrder = (a: Article, b: Article) => compareNatural(a.path, b.path);
  const collator = new Intl.Collator(config.lang ?? 'zh-CN');
  const compare: Record<BookConfig['sort'], (a: Article, b: Article) => number> = {
    'order-date': (a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || byDate(a, b) || byPathOrder(a, b),
    date: (a, b) => byDate(a, b) || byPathOrder(a, b),
    'date-desc': (a, b) => byDate(b, a) || byPathOrder(a, b),
    title: (a, b) => collator.compare(a.title, b.title) || byPathOrder(a, b),
    path: byPathOrder,
  };
  return [...first, ...rest.sort(compare[config.sort])];
}

/** Lower-case letters (any script), digits, `-` and `_`; spaces and punctuation become `-`. */
export function slugify(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

function uniqueSlug(slug: string, taken: Set<string>): string {
  let candidate = slug;
  for (let n = 2; taken.has(candidate); n++) candidate = `${slug}-${n}`;
  taken.add(candidate);
  return candidate;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
