/**
 * Loading: the articles folder and the book config become a `Book` of
 * validated, processed articles in book order. Problems are collected, not
 * thrown, so that every one of them is reported in one run.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import type { BookConfig } from '../config.ts';
import type { Diagnostics } from '../diagnostics.ts';
import type { BookContext } from '../markdown/data.ts';
import { createProcessor, processMarkdown } from '../markdown/processor.ts';
import type { Article, Asset, Book } from '../types.ts';
import { decode } from './decode.ts';
import { compareNatural, findArticles } from './find.ts';
import { type FrontMatter, parseFrontMatter, splitFrontMatter } from './frontmatter.ts';
import { guessLang } from './lang.ts';

export interface LoadOptions {
  config: BookConfig;
  /** Absolute path of the articles folder. */
  root: string;
  drafts?: boolean;
  diagnostics: Diagnostics;
  /** Called after each article, for progress displays. */
  onArticle?: (done: number, total: number) => void;
}

interface Source {
  file: string;
  path: string;
  body: string;
  meta: FrontMatter;
  slug: string;
  hash: string;
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
  for (const file of files) {
    const source = await readSource(file, root, diagnostics);
    if (!source) continue;
    if (source.meta.draft && !options.drafts) continue;
    source.slug = uniqueSlug(source.slug, slugs);
    sources.push(source);
  }

  // 2. Process the Markdown of each, with the whole book's paths known.
  const context: BookContext = {
    root,
    articles: new Map(sources.map((s) => [s.path, { slug: s.slug }])),
    assets: new Map(),
  };
  const processor = createProcessor();
  const articles: Article[] = [];
  for (const source of sources) {
    const article = await processArticle(processor, source, context, config, diagnostics);
    if (article) articles.push(article);
    options.onArticle?.(articles.length, sources.length);
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
  if (yaml !== undefined) {
    const parsed = parseFrontMatter(yaml, file);
    for (const d of parsed.diagnostics) diagnostics.add(d);
    if (!parsed.data) return undefined;
    meta = parsed.data;
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
  };
}

async function processArticle(
  processor: ReturnType<typeof createProcessor>,
  source: Source,
  book: BookContext,
  config: BookConfig,
  diagnostics: Diagnostics,
): Promise<Article | undefined> {
  const { meta } = source;
  const lang = meta.lang ?? guessLang(source.body) ?? config.lang ?? 'en';
  const file = new VFile({ path: source.file, value: source.body });
  file.data.book = book;
  file.data.lang = lang;
  if (meta.title !== undefined) file.data.frontMatterTitle = meta.title;
  let tree;
  try {
    tree = await processMarkdown(processor, file);
  } catch (error) {
    diagnostics.addVFileMessages(source.file, file.messages);
    const e = error as Error & { line?: number; column?: number };
    diagnostics.error('markdown', `Cannot process the article: ${e.message}`, { file: source.file, line: e.line, column: e.column });
    return undefined;
  }
  diagnostics.addVFileMessages(source.file, file.messages);

  let title = meta.title ?? file.data.headingTitle;
  if (!title) {
    title = path.basename(source.file).replace(/\.(md|markdown)$/i, '');
    diagnostics.warn('title-missing', `The article has no title: add \`title:\` to its front matter or start it with a \`# Title\` line; using the file name "${title}"`, {
      file: source.file,
      line: 1,
      column: 1,
    });
  }
  const text = toString(tree);
  return {
    path: source.path,
    file: source.file,
    slug: source.slug,
    title,
    subtitle: meta.subtitle,
    authors: meta.author ?? [],
    date: meta.date,
    updated: meta.updated,
    source: meta.source,
    tags: [...new Set(meta.tags ?? [])],
    lang,
    summary: meta.summary,
    excerpt: meta.summary ?? excerpt(tree),
    cover: meta.cover,
    draft: meta.draft,
    order: meta.order,
    tree,
    headings: file.data.headings ?? [],
    assets: file.data.assets ?? [],
    remoteImages: file.data.remoteImages ?? 0,
    characters: text.length,
    hash: source.hash,
  };
}

/** The first paragraph's text, cut at a sentence or word near 120 characters. */
function excerpt(tree: import('hast').Root): string {
  for (const node of tree.children) {
    if (node.type !== 'element' || node.tagName !== 'p') continue;
    const text = toString(node).replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (text.length <= 120) return text;
    const cut = text.slice(0, 120);
    const stop = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('. '), cut.lastIndexOf('！'), cut.lastIndexOf('？'));
    return stop > 40 ? cut.slice(0, stop + 1) : cut.replace(/\s+\S*$/, '') + '…';
  }
  return '';
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
