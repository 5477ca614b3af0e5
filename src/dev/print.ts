/**
 * The print preview: an article, or the book, as the PDFs lay it out (the
 * print templates and stylesheet, page size, margins, running heads and page
 * numbers), paginated in the browser by Paged.js instead of printed by
 * Chromium, so that a change shows in a second.
 *
 * The documents come from the PDF output's own functions
 * (src/outputs/pdf/documents.ts); only the addresses change: the files the
 * print origin serves (fonts, images, the cover) are served by the dev server
 * under PRINT_FILES, and links between articles point to their previews.
 * The PDF adds page numbers when it assembles the pages; here a margin box
 * does, in the same place (the middle of the bottom margin, none on an
 * article's first page or the front matter).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BookConfig } from '../config.ts';
import { articleBody, cssString, frontBody, frontPageRules, pageRules, printResources, tocEntries } from '../outputs/pdf/documents.ts';
import { parseRefUrl, refUrl, startId } from '../outputs/pdf/links.ts';
import { PRINT_ORIGIN, type ServedFile } from '../outputs/pdf/printer.ts';
import { pageSize } from '../outputs/pdf/setup.ts';
import type { Templates } from '../templates.ts';
import { expandSelectorLists } from './paged-css.ts';
import type { Book } from '../types.ts';

export const PRINT_BASE = '/__anthology/print/';
/** Where the print documents' files (fonts, images, cover) are served. */
export const PRINT_FILES = '/__anthology/print-files';

/** Articles the book preview lays out unless asked for all: Paged.js takes about a second per 20 pages. */
export const BOOK_PREVIEW_LIMIT = 12;

type PageSetup = BookConfig['pdf']['article'];

export interface SetupView {
  /** `article` (an article's own PDF) or `book` (the anthology PDF). */
  name: 'article' | 'book';
  size: string;
  width: string;
  height: string;
  margins: PageSetup['margins'];
}

export interface PrintPreview {
  kind: 'article' | 'book';
  title: string;
  lang: string;
  /**
   * `@page` rules and the preview's additions, for Paged.js, as a `data:`
   * stylesheet address: Paged.js reads it like print.css, and the page holds
   * no CSS that only paged media know (`string-set`, margin boxes), which
   * HTML checkers would flag.
   */
  pageCss: string;
  /** The document's body: print HTML with preview addresses. */
  body: string;
  setup: SetupView;
  /** The other page setup the same document can be seen in. */
  otherSetup?: { href: string; label: string };
  /** The site page of what is shown. */
  pageHref: string;
  shown: number;
  total: number;
  /** Shows every article when only the first ones are shown. */
  allHref?: string;
}

export interface PrintResources {
  css: string;
  files: Map<string, ServedFile>;
}

/** The stylesheet and files of the print documents, with the dev server's addresses. */
export async function previewResources(book: Book, templates: Templates): Promise<PrintResources> {
  const cover = book.config.cover ? path.resolve(book.config.base, book.config.cover) : undefined;
  const { css, files } = await printResources(book, templates, cover && existsSync(cover) ? cover : undefined);
  return { css: expandSelectorLists(rewriteOrigin(css)), files };
}

function rewriteOrigin(text: string): string {
  return text.split(`${PRINT_ORIGIN}/`).join(`${PRINT_FILES}/`);
}

function setupView(name: 'article' | 'book', setup: PageSetup): SetupView {
  return { name, size: setup.size, ...pageSize(setup), margins: setup.margins };
}

/** Page numbers where the PDF puts them: centred under the text block, 8 pt. */
const FOLIO_CSS = `@page { @bottom-center { content: counter(page); font-family: "Source Serif 4", "Noto Serif SC", serif; font-size: 8pt; color: #736e66; vertical-align: middle; font-variant-numeric: lining-nums; } }`;

/** One article as its own PDF prints it (`setup: 'article'`), or as its pages in the book (`'book'`). */
export async function articlePreview(book: Book, templates: Templates, slug: string, setupName: 'article' | 'book' = 'article'): Promise<PrintPreview | undefined> {
  const index = book.articles.findIndex((a) => a.slug === slug);
  const article = book.articles[index];
  if (!article) return undefined;
  const setup = setupName === 'book' ? book.config.pdf.book : book.config.pdf.article;
  const body = links(await articleBody(templates, book, article, index), () => false);
  const here = PRINT_BASE + encodeURIComponent(slug);
  return {
    kind: 'article',
    title: article.title,
    lang: article.lang,
    pageCss: cssAddress([pageRules(setup, { left: book.config.title, right: article.title }), FOLIO_CSS].join('\n')),
    body,
    setup: setupView(setupName, setup),
    otherSetup: setupName === 'book' ? { href: here, label: 'as its own PDF' } : { href: `${here}?setup=book`, label: 'as in the book' },
    pageHref: `/articles/${encodeURIComponent(slug)}.html`,
    shown: 1,
    total: book.articles.length,
  };
}

/** The book: front matter (cover, title page, imprint, contents) and the first `limit` articles, each on a right-hand page. */
export async function bookPreview(book: Book, templates: Templates, limit: number | undefined = BOOK_PREVIEW_LIMIT): Promise<PrintPreview> {
  const config = book.config;
  const articles = limit === undefined ? book.articles : book.articles.slice(0, limit);
  const cover = config.cover ? path.resolve(config.base, config.cover) : undefined;
  const front = await frontBody(templates, book, tocEntries(book), cover && existsSync(cover) ? cover : undefined);
  const parts = await Promise.all(
    articles.map(async (a, i) => `<div class="preview-part" id="${attr(startId(a))}">\n${await articleBody(templates, book, a, i)}\n</div>`),
  );
  const shown = new Set(articles.map((a) => a.slug));
  const body = links([`<div class="preview-front">\n${front}\n</div>`, ...parts].join('\n'), (slug) => shown.has(slug));
  const title = config.title;
  return {
    kind: 'book',
    title,
    lang: config.lang ?? 'en',
    pageCss: cssAddress([
      frontPageRules(config.pdf.book),
      // The running heads: the book's title on the left, the article's on the right.
      `@page :left { @top-center { content: ${cssString(title)}; } }`,
      `@page :right { @top-center { content: string(preview-title); } }`,
      FOLIO_CSS,
      `.preview-part { break-before: right; }`,
      `.preview-part .opening-title { string-set: preview-title content(text); }`,
    ].join('\n')),
    body,
    setup: setupView('book', config.pdf.book),
    pageHref: '/index.html',
    shown: articles.length,
    total: book.articles.length,
    allHref: articles.length < book.articles.length ? `${PRINT_BASE}?all` : undefined,
  };
}

/**
 * Print documents link to other articles with reference URLs, and to their
 * files at the print origin: point both at the preview. A link to an article
 * of the same document (`inDocument`) goes to its place in it.
 */
function links(html: string, inDocument: (slug: string) => boolean): string {
  const prefix = refUrl('');
  const pattern = new RegExp(`href="(${escapeRegExp(prefix)}[^"]*)"`, 'g');
  return rewriteOrigin(html).replace(pattern, (whole, raw: string) => {
    const ref = parseRefUrl(raw.replace(/&#x26;|&amp;/g, '&'));
    if (!ref) return whole;
    const id = `${ref.slug}:${ref.fragment ?? ''}`;
    if (inDocument(ref.slug)) return `href="#${attr(encodeURIComponent(id))}"`;
    return `href="${attr(PRINT_BASE + encodeURIComponent(ref.slug) + (ref.fragment ? '#' + encodeURIComponent(id) : ''))}"`;
  });
}

/** CSS as a `data:` address, readable (only what a URL does not allow is escaped). */
function cssAddress(css: string): string {
  return 'data:text/css;charset=utf-8,' + css.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/g, (c) => encodeURIComponent(c));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
