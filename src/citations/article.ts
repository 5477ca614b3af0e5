/**
 * An article of the anthology as a work to cite: a chapter of an edited
 * book (CSL type `chapter`), with its authors, translators, the book's
 * title, editors, publisher and date, its pages in the anthology PDF when
 * one was made, and its address when the site's is known. From it: the
 * reference as "Cite this" shows it (GB/T 7714 for an article in Chinese,
 * Chicago author-date otherwise, the defaults of styles.ts), CSL-JSON and
 * BibTeX.
 */
import CSL from 'citeproc';
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { bookEditors } from '../config.ts';
import type { ArticlePages } from '../outputs/book-pages.ts';
import { bookDate } from '../templates.ts';
import type { Article, Book } from '../types.ts';
import type { CslItem } from './bibliography.ts';
import { cslLocale, DEFAULT_STYLES, namedStyle } from './styles.ts';

interface CslName {
  family?: string;
  given?: string;
  literal?: string;
}

/**
 * A name as CSL wants it: "Ada Brennan" → family Brennan, given Ada; a name
 * in Han, kana or Hangul, or of one word, as written (GB/T 7714 and Chicago
 * then print it whole, in its own order).
 */
export function cslName(name: string): CslName {
  const words = name.trim().split(/\s+/);
  if (words.length < 2 || /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(name)) return { literal: name.trim() };
  return { family: words[words.length - 1], given: words.slice(0, -1).join(' ') };
}

/** `2025-06-01` → CSL's `{ 'date-parts': [[2025, 6, 1]] }`. */
function cslDate(date: string | undefined): { 'date-parts': number[][] } | undefined {
  const m = date && /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
  if (!m) return undefined;
  return { 'date-parts': [[Number(m[1]), ...(m[2] ? [Number(m[2])] : []), ...(m[3] ? [Number(m[3])] : [])]] };
}

/** The article's address on the published site, when the config gives the site's (`site.url`). */
export function articleUrl(book: Book, article: Article): string | undefined {
  const base = book.config.site.url?.replace(/\/?$/, '/');
  return base ? `${base}articles/${encodeURIComponent(article.slug)}.html` : undefined;
}

/** The article as a CSL item (id: its slug). */
export function articleItem(book: Book, article: Article, pages?: Pick<ArticlePages, 'first' | 'last'>): CslItem {
  const config = book.config;
  const editors = bookEditors(config);
  const translators = article.provenance?.translators ?? [];
  const url = articleUrl(book, article);
  const item: CslItem = {
    id: article.slug,
    type: 'chapter',
    title: article.title,
    ...(article.authors.length ? { author: article.authors.map(cslName) } : {}),
    ...(translators.length ? { translator: translators.map(cslName) } : {}),
    'container-title': config.subtitle ? `${config.title}${/^(zh|ja)\b/i.test(config.lang ?? '') ? '：' : ': '}${config.subtitle}` : config.title,
    ...(editors.length ? { editor: editors.map(cslName) } : {}),
    ...(config.publisher ? { publisher: config.publisher } : {}),
    ...(cslDate(bookDate(book)) ? { issued: cslDate(bookDate(book)) } : {}),
    ...(pages ? { page: pages.first === pages.last ? String(pages.first) : `${pages.first}-${pages.last}` } : {}),
    ...(url ? { URL: url } : {}),
    language: article.lang,
  };
  return item;
}

const parser = unified().use(rehypeParse, { fragment: true });

/** The style an article is cited in: GB/T 7714 for Chinese, Chicago author-date for any other language. */
function styleFor(lang: string): { style: unknown; locale: string } {
  const zh = /^zh\b/i.test(lang);
  return { style: namedStyle(zh ? DEFAULT_STYLES.zh : DEFAULT_STYLES.other), locale: zh ? 'zh-CN' : /^en\b/i.test(lang) ? lang : 'en-US' };
}

/**
 * The reference to `item` in the style of its language, as HTML (citeproc's
 * own markup, parsed and written again) and as text; a numeric style's
 * number ("[1]") is left out, there being one work.
 */
export function formatReference(item: CslItem): { html: string; text: string } {
  const { style, locale } = styleFor(String(item.language ?? 'en'));
  const engine = new CSL.Engine({ retrieveLocale: (lang: string) => cslLocale(lang), retrieveItem: (id: string) => (id === item.id ? item : undefined) }, style, locale);
  // The article's address as a link.
  engine.opt.development_extensions.wrap_url_and_doi = true;
  engine.updateItems([item.id]);
  const made = engine.makeBibliography();
  const entry = made ? (made[1][0] ?? '') : '';
  const tree = parser.parse(entry) as Root;
  // <div class="csl-entry"><div class="csl-left-margin">[1]</div><div class="csl-right-inline">…</div></div>
  let body: Root = tree;
  const find = (node: Root | Root['children'][number], cls: string): Root['children'][number] | undefined => {
    if (node.type === 'element' && String(node.properties.className ?? '').split(' ').includes(cls)) return node;
    if ('children' in node) for (const c of node.children) {
      const found = find(c, cls);
      if (found) return found;
    }
    return undefined;
  };
  const inline = find(tree, 'csl-right-inline') ?? find(tree, 'csl-entry');
  if (inline && inline.type === 'element') body = { type: 'root', children: inline.children };
  return { html: toHtml(body).trim(), text: toString(body).replace(/\s+/g, ' ').trim() };
}

interface BibtexConfig {
  format: { useIdAsLabel: boolean; asciiOnly: boolean };
  types: { bibtex: { target: Record<string, string> } };
}

/**
 * The item as a BibTeX `@incollection` entry (a chapter with its own title
 * in an edited book), keyed by its id, its text in UTF-8 as biber and
 * modern BibTeX read it. citation-js's settings are one object for the
 * process: they are changed for this call only.
 */
export function toBibtex(item: CslItem): string {
  const config = plugins.config.get('@bibtex') as BibtexConfig;
  const saved = { ...config.format, chapter: config.types.bibtex.target.chapter };
  Object.assign(config.format, { useIdAsLabel: true, asciiOnly: false });
  config.types.bibtex.target.chapter = 'incollection';
  try {
    // BibTeX's month is a name, without the day.
    const year = (item.issued as { 'date-parts': number[][] } | undefined)?.['date-parts'][0]?.[0];
    const { issued: _issued, ...rest } = item;
    return String(new Cite([{ ...rest, ...(year ? { issued: { 'date-parts': [[year]] } } : {}) }]).format('bibtex', { format: 'text' })).trim() + '\n';
  } finally {
    config.format.useIdAsLabel = saved.useIdAsLabel;
    config.format.asciiOnly = saved.asciiOnly;
    config.types.bibtex.target.chapter = saved.chapter!;
  }
}
