/**
 * The print documents: the stylesheet and the files it may load, an
 * article's body (the same for its own PDF and for the book, so one print can
 * serve both), the book's front matter, and the page rules of each job.
 */
import path from 'node:path';
import type { Element, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { MEDIA_TYPES } from '../../assets/files.ts';
import { resolveTree } from '../../markdown/resolve.ts';
import { provenanceView } from '../../provenance/provenance.ts';
import { sourceEntries, sourcesLabels } from '../../provenance/sources.ts';
import { articleView, bookView, coverView, formatNames, type Labels, type Templates } from '../../templates.ts';
import type { Article, Asset, Book } from '../../types.ts';
import { BACK_ID, idPrefix, REF_HOST, refUrl } from './links.ts';
import { printFonts, svgWithFonts } from './print-fonts.ts';
import { PRINT_ORIGIN, type ServedFile } from './printer.ts';
import { baseFontSize, type PageSetup, pageSize } from './setup.ts';
import { CSS_PAGE_SIZES } from './sizes.ts';

/** Stylesheets of the templates folder, in cascade order, for every print document. */
export const PRINT_CSS = ['css/content.css', 'css/highlight.css', 'css/print.css', 'css/editorial.css'];
/** After them in a book set vertically (`writing: vertical`, src/editions/vertical.ts). */
export const VERTICAL_PRINT_CSS = ['css/vertical.css', 'css/vertical-print.css'];

/**
 * The stylesheet of the print documents and every file it and the articles
 * may load; `fit` gives an image no larger than the pages show (see
 * src/assets/downscale.ts), or undefined to serve the file as it is.
 */
export async function printResources(
  book: Book,
  templates: Templates,
  coverFile: string | undefined,
  fit?: (asset: Asset) => Promise<{ bytes: Buffer; mediaType: string } | undefined>,
): Promise<{ css: string; files: Map<string, ServedFile> }> {
  const fonts = printFonts(`${PRINT_ORIGIN}/fonts/`);
  const files = new Map<string, ServedFile>();
  for (const [name, file] of fonts.files) files.set(`/fonts/${name}`, { file, type: 'font/woff2' });
  for (const asset of book.assets.values()) {
    // An SVG as the build cleaned it, with the book's fonts for its text.
    const svg = asset.content && asset.mediaType === 'image/svg+xml' ? await svgWithFonts(asset.content.toString('utf8')) : asset.content;
    const fitted = await fit?.(asset);
    files.set(`/${asset.name}`, fitted ? { body: fitted.bytes, type: fitted.mediaType } : svg !== undefined ? { body: svg, type: asset.mediaType } : { file: asset.source, type: asset.mediaType });
  }
  if (coverFile) files.set(`/cover/${path.basename(coverFile)}`, { file: coverFile, type: mediaType(coverFile) });
  const sheets = await Promise.all([...PRINT_CSS, ...(book.config.writing === 'vertical' ? VERTICAL_PRINT_CSS : [])].map((name) => templates.read(name)));
  return { css: [fonts.css, ...sheets].join('\n'), files };
}

function mediaType(file: string): string {
  return MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export const FRONT_IDS = { cover: ':cover', contents: ':contents' } as const;

/**
 * The back matter that ends the anthology: the "Sources and permissions"
 * section, when an article says where it first appeared; undefined when
 * none does. Each entry's title links to its article.
 */
export async function backBody(templates: Templates, book: Book): Promise<{ body: string; title: string } | undefined> {
  const entries = sourceEntries(book, (lang) => templates.labels(lang));
  if (!entries.length) return undefined;
  const bv = bookView(book);
  const labels = templates.labels(bv.lang);
  const sources = sourcesLabels(labels, bv.lang);
  const body = await templates.render('print/back', { book: bv, labels, id: BACK_ID, sources: { ...sources, entries }, prefix: REF_HOST });
  return { body, title: sources.title };
}

/** Texts of the headings of an article's print document, in order: the title, then the body's. */
export function headingTexts(article: Article): string[] {
  const out = [article.title];
  visit(article.tree, 'element', (node: Element) => {
    if (/^h[1-6]$/.test(node.tagName)) out.push(toString(node));
  });
  return out;
}

/** What the print interior changes in a document: full-bleed images (see print-ready.ts), by asset name, go to their own address. */
export interface PrintVariant {
  bleedHref: (assetName: string) => string | undefined;
}

/** The body of an article's print document (`print`: for the print interior). */
export async function articleBody(templates: Templates, book: Book, article: Article, index: number, print?: PrintVariant): Promise<string> {
  const labels = templates.labels(article.lang);
  const prefix = idPrefix(article);
  const tree = resolveTree(article.tree, {
    articleHref: (slug, fragment) => (slug === article.slug && fragment ? `#${prefix}${fragment}` : refUrl(slug, fragment)),
    assetHref: (name) => `${PRINT_ORIGIN}/${name}`,
    remoteImages: 'placeholder',
    imageLabel: labels.image,
    idPrefix: prefix,
  });
  const anchors = printReady(tree, print);
  return templates.render('print/article', {
    book: bookView(book),
    article: articleView(book, article, index),
    labels,
    number: String(index + 1).padStart(2, '0'),
    cover: coverView(article, (name) => `${PRINT_ORIGIN}/${name}`),
    provenance: provenanceView(article, labels),
    content: toHtml(tree),
    anchors,
  });
}

/**
 * Readies a resolved tree for print, in place: images load at once (no lazy
 * loading: a print does not scroll), footnotes point back with an arrow the
 * fonts have, and returns every id, which the template
 * links to from a hidden list: Chromium writes a named destination only for
 * the targets of links, and links from other articles need them all.
 */
function printReady(tree: Root, print?: PrintVariant): string[] {
  const ids: string[] = [];
  visit(tree, 'element', (node: Element) => {
    // The print interior: a figure of a full-bleed image takes a page of its own, to the edges of the bleed.
    if (print && node.tagName === 'figure') {
      const img = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'img');
      const src = typeof img?.properties.src === 'string' && img.properties.src.startsWith(`${PRINT_ORIGIN}/`) ? img.properties.src.slice(PRINT_ORIGIN.length + 1) : undefined;
      const href = src && print.bleedHref(src);
      if (img && href) {
        img.properties.src = href;
        node.properties.className = ['full-bleed'];
      }
    }
    if (typeof node.properties.id === 'string') ids.push(node.properties.id);
    // A table too wide for the page is fitted while printing; its warning names its line.
    if (node.tagName === 'table' && node.position) node.properties.dataLine = node.position.start.line;
    if (node.tagName === 'img') {
      delete node.properties.loading;
      delete node.properties.decoding;
    }
    // The back reference of a footnote: ↩ is in none of the book's fonts
    // (the printer would take a system font); ↑ is in all of them.
    if (node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined) {
      node.children = node.children.map((c) => (c.type === 'text' ? { ...c, value: c.value.replace(/\u21a9\ufe0e?/g, '\u2191') } : c));
    }
  });
  return ids;
}

export interface TocEntry {
  /** An article's slug; empty for the back matter. */
  slug: string;
  /** The back matter: no number, its own destination. */
  back?: boolean;
  title: string;
  subtitle?: string;
  authors: string;
  /** Page the article starts on; undefined while the pages are not known yet. */
  page?: number;
}

/** The book's front matter: cover, title page, imprint and contents. */
export async function frontBody(templates: Templates, book: Book, entries: TocEntry[], cover: string | undefined, print = false): Promise<string> {
  const bv = bookView(book);
  const labels = printLabels(templates.labels(bv.lang), bv.lang);
  // Until the pages are known, every number is as wide as the widest will be,
  // so the contents take the same pages before and after.
  const width = String(Math.max(999, ...entries.map((e) => e.page ?? 0))).length;
  return templates.render('print/front', {
    book: bv,
    labels,
    cover: cover ? `${PRINT_ORIGIN}/cover/${encodeURIComponent(path.basename(cover))}` : undefined,
    ids: FRONT_IDS,
    ...(print ? { print } : {}),
    entries: entries.map((e, i) => ({
      ...e,
      number: e.back ? '' : String(i + 1).padStart(2, '0'),
      href: e.back ? refUrl(BACK_ID) : refUrl(e.slug),
      page: e.page === undefined ? '0'.repeat(width) : String(e.page),
    })),
  });
}

export function tocEntries(book: Book): TocEntry[] {
  return book.articles.map((a) => ({ slug: a.slug, title: a.title, subtitle: a.subtitle, authors: formatNames(a.authors, a.lang) }));
}

/**
 * Words the print templates need that labels.yaml may not have yet, with
 * defaults for Chinese and English.
 */
export function printLabels(labels: Labels, lang: string): Labels {
  const zh = lang.toLowerCase().startsWith('zh');
  return {
    cover: zh ? '封面' : 'Cover',
    back_cover: zh ? '封底' : 'Back cover',
    spine: zh ? '书脊' : 'Spine',
    page: zh ? '页' : 'Page',
    pages: zh ? '页' : 'pages',
    ...labels,
  };
}

/**
 * `@page` rules of a print job: size, mirrored margins, running heads.
 * `rtl`: a book set vertically, whose pages run from right to left. Every
 * part still starts on an odd page (the recto), but the recto is the
 * left-hand page: the binding, and so the inner margin, is on its right;
 * the running heads stand horizontally at the outer corners (odd pages: the
 * article, on the left; even pages: the book, on the right). Chromium
 * counts a document's first page as `:right` whatever its writing mode, so
 * `:right` here means "odd".
 */
export function pageRules(setup: PageSetup, heads: { left: string; right: string }, rtl = false): string {
  const m = setup.margins;
  if (rtl) {
    const head = (text: string) => `{ content: ${cssString(text)}; writing-mode: horizontal-tb; }`;
    return [
      pageVariables(setup),
      `@page { size: ${cssPageSize(setup)}; margin: ${m.top} ${m.inner} ${m.bottom} ${m.outer}; }`,
      `@page :right { margin-left: ${m.outer}; margin-right: ${m.inner}; @top-left ${head(heads.right)} }`,
      `@page :left { margin-left: ${m.inner}; margin-right: ${m.outer}; @top-right ${head(heads.left)} }`,
      `@page :first { @top-left { content: none; } }`,
    ].join('\n');
  }
  return [
    pageVariables(setup),
    `@page { size: ${cssPageSize(setup)}; margin: ${m.top} ${m.outer} ${m.bottom} ${m.inner}; }`,
    `@page :right { margin-left: ${m.inner}; margin-right: ${m.outer}; @top-center { content: ${cssString(heads.right)}; } }`,
    `@page :left { margin-left: ${m.outer}; margin-right: ${m.inner}; @top-center { content: ${cssString(heads.left)}; } }`,
    `@page :first { @top-center { content: none; } }`,
  ].join('\n');
}

/** Page rules of the front matter: no running heads (the contents has its title). */
export function frontPageRules(setup: PageSetup, rtl = false): string {
  const m = setup.margins;
  // A book bound on the right (pageRules): odd pages have their inner margin on the right.
  const [odd, even] = rtl ? [[m.outer, m.inner], [m.inner, m.outer]] : [[m.inner, m.outer], [m.outer, m.inner]];
  return [
    pageVariables(setup),
    `@page { size: ${cssPageSize(setup)}; margin: ${m.top} ${m.outer} ${m.bottom} ${m.inner}; }`,
    `@page :right { margin-left: ${odd[0]}; margin-right: ${odd[1]}; }`,
    `@page :left { margin-left: ${even[0]}; margin-right: ${even[1]}; }`,
  ].join('\n');
}

/** The page size as CSS writes it: a name CSS knows, else width and height. */
export function cssPageSize(setup: PageSetup): string {
  if (CSS_PAGE_SIZES.has(setup.size)) return setup.size;
  const { width, height } = pageSize(setup);
  return `${width} ${height}`;
}

/** The page's dimensions for print.css, and the size of the text. */
function pageVariables(setup: PageSetup): string {
  const { width, height } = pageSize(setup);
  const m = setup.margins;
  return `:root { --page-width: ${width}; --page-height: ${height}; --page-body-height: calc(${height} - ${m.top} - ${m.bottom}); font-size: ${baseFontSize(setup)}; }`;
}

/** A CSS string literal. */
export function cssString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`;
}
