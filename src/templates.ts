/**
 * The template engine (LiquidJS, escaping every output by default) and the
 * view models the templates see. Templates never read files on their own:
 * they get plain data built here from the `Book`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Liquid } from 'liquidjs';
import { parse as parseYaml } from 'yaml';
import { bookEditors } from './config.ts';
import type { Article, Book } from './types.ts';
import { validUrl } from './urls.ts';

export type Labels = Record<string, string>;

export interface Templates {
  dir: string;
  render(name: string, data: object): Promise<string>;
  /** UI words for a language (`zh-CN` → the `zh` entry, else `en`). */
  labels(lang: string): Labels;
  /** A file of the templates folder (CSS), as text. */
  read(name: string): Promise<string>;
}

export async function loadTemplates(dir: string): Promise<Templates> {
  const engine = new Liquid({
    root: [dir],
    partials: [path.join(dir, 'partials')],
    extname: '.liquid',
    outputEscape: 'escape',
    cache: true,
    strictFilters: true,
    jsTruthy: true,
  });
  const all = (parseYaml(await readFile(path.join(dir, 'labels.yaml'), 'utf8')) ?? {}) as Record<string, Labels>;
  const fallback = all.en ?? {};
  return {
    dir,
    render: (name, data) => engine.renderFile(name, data),
    labels: (lang) => ({ ...fallback, ...(all[lang.toLowerCase().split('-')[0]!] ?? {}) }),
    read: (name) => readFile(path.join(dir, name), 'utf8'),
  };
}

/** `2024年3月14日` or `March 14, 2024`. */
export function formatDate(date: string | undefined, lang: string): string | undefined {
  if (!date) return undefined;
  const d = new Date(date.length === 10 ? date + 'T00:00:00Z' : date);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', timeZone: date.length === 10 ? 'UTC' : undefined }).format(d);
}

/** Joins names the way the language does: `张三、李四` or `Ann and Bo`. */
export function formatNames(names: readonly string[], lang: string): string {
  if (names.length === 0) return '';
  // Chinese and Japanese bylines list names with the enumeration comma.
  if (/^(zh|ja)\b/i.test(lang)) return names.join('、');
  try {
    return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

export interface ArticleView {
  slug: string;
  title: string;
  subtitle?: string;
  authors: string;
  date?: string;
  dateLabel?: string;
  updated?: string;
  updatedLabel?: string;
  source?: string;
  summary: string;
  lang: string;
  tags: { name: string; slug: string }[];
  headings: { depth: number; text: string; id: string }[];
  number: number;
}

export function articleView(book: Book, article: Article, index: number): ArticleView {
  return {
    slug: article.slug,
    title: article.title,
    subtitle: article.subtitle,
    authors: formatNames(article.authors, article.lang),
    date: article.date,
    dateLabel: formatDate(article.date, article.lang),
    updated: article.updated,
    updatedLabel: formatDate(article.updated, article.lang),
    source: article.source && validUrl(article.source),
    summary: article.excerpt,
    lang: article.lang,
    tags: article.tags.map((name) => ({ name, slug: book.tags.get(name)?.slug ?? name })),
    headings: article.headings,
    number: index + 1,
  };
}

/** An article's opener image as a template shows it: where this output has it, described by the article's title. */
export interface CoverView {
  src: string;
  alt: string;
}

export function coverView(article: Article, href: (assetName: string) => string | undefined): CoverView | undefined {
  const src = article.cover && href(article.cover);
  return src ? { src, alt: article.title } : undefined;
}

export interface BookView {
  title: string;
  subtitle?: string;
  editors: string;
  publisher?: string;
  description?: string;
  rights?: string;
  lang: string;
  date?: string;
  dateLabel?: string;
  articleCount: number;
}

/** The book's date: the config's, else the latest article date. */
export function bookDate(book: Book): string | undefined {
  if (book.config.date) return book.config.date;
  let latest: string | undefined;
  for (const a of book.articles) {
    const d = (a.updated ?? a.date)?.slice(0, 10);
    if (d && (!latest || d > latest)) latest = d;
  }
  return latest;
}

export function bookView(book: Book): BookView {
  const lang = book.config.lang ?? 'en';
  const date = bookDate(book);
  return {
    title: book.config.title,
    subtitle: book.config.subtitle,
    editors: formatNames(bookEditors(book.config), lang),
    publisher: book.config.publisher,
    description: book.config.description,
    rights: book.config.rights,
    lang,
    date,
    dateLabel: formatDate(date, lang),
    articleCount: book.articles.length,
  };
}
