/**
 * What an article page of the site says about citing it: the meta tags
 * that reference managers and scholarly search engines read (Highwire
 * Press `citation_*`, as Google Scholar documents them, and Dublin Core),
 * the "Cite this" block (templates/partials/cite-this.liquid) with the
 * reference in the style of the article's language, and its CSL-JSON and
 * BibTeX files, written next to the page (`articles/<slug>.json`, `.bib`).
 * Page numbers are those of the anthology PDF when this build made one
 * (book-pages.ts); without it, no page tags.
 */
import { articleItem, formatReference, toBibtex } from '../citations/article.ts';
import type { CslItem } from '../citations/bibliography.ts';
import { bookEditors } from '../config.ts';
import { bookDate } from '../templates.ts';
import type { Article, Book } from '../types.ts';
import { validUrl } from '../urls.ts';
import type { ArticlePages } from './book-pages.ts';

export interface CitationView {
  /** `<meta name content>` pairs, in order. */
  meta: { name: string; content: string }[];
  /** The formatted reference: citeproc's HTML (escaped by it, and written again from a parsed tree). */
  html: string;
  text: string;
  /** The data files, relative to the article's page. */
  json: string;
  bib: string;
}

export interface ArticleCitation {
  item: CslItem;
  view: CitationView;
  /** Files to write, relative to the site's root. */
  files: { path: string; content: string }[];
}

/**
 * The citation of `article`; `pdf` is the address of its own PDF relative
 * to the site's root, when the build wrote it.
 */
export function articleCitation(book: Book, article: Article, pages: ArticlePages | undefined, pdf: string | undefined): ArticleCitation {
  const item = articleItem(book, article, pages);
  const config = book.config;
  const base = config.site.url?.replace(/\/?$/, '/');
  const date = bookDate(book);
  const reference = formatReference(item);
  const meta: { name: string; content: string }[] = [];
  const add = (name: string, content: string | undefined) => {
    if (content) meta.push({ name, content });
  };
  add('citation_title', article.title);
  for (const a of article.authors) add('citation_author', a);
  // Highwire's dates are written with slashes.
  add('citation_publication_date', date?.slice(0, 10).replace(/-/g, '/'));
  add('citation_inbook_title', String(item['container-title']));
  for (const e of bookEditors(config)) add('citation_editor', e);
  if (pages) {
    add('citation_firstpage', String(pages.first));
    add('citation_lastpage', String(pages.last));
  }
  add('citation_publisher', config.publisher);
  add('citation_language', article.lang);
  add('citation_isbn', isbn(config.identifier));
  if (pdf) add('citation_pdf_url', base ? new URL(pdf, base).href : `../${pdf}`);
  add('DC.title', article.title);
  for (const a of article.authors) add('DC.creator', a);
  for (const t of article.provenance?.translators ?? []) add('DC.contributor', t);
  add('DC.date', date?.slice(0, 10));
  add('DC.publisher', config.publisher);
  add('DC.language', article.lang);
  // Where the article comes from: its original address, else the periodical it first appeared in.
  add('DC.source', (article.source && validUrl(article.source)) || article.provenance?.publisher);
  add('DC.type', 'Text');
  const name = encodeURIComponent(article.slug);
  return {
    item,
    view: { meta, ...reference, json: `${name}.json`, bib: `${name}.bib` },
    files: [
      { path: `articles/${article.slug}.json`, content: `${JSON.stringify([item], null, 2)}\n` },
      { path: `articles/${article.slug}.bib`, content: toBibtex(item) },
    ],
  };
}

/** The ISBN in an identifier (`urn:isbn:978…`, `ISBN 978-…`), digits only. */
function isbn(identifier: string | undefined): string | undefined {
  const m = identifier && /^(?:urn:isbn:|isbn[:\s]*)([\d-]{10,17}[\dXx]?)$/i.exec(identifier.trim());
  return m ? m[1]!.replace(/-/g, '') : undefined;
}
