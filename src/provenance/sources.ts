/**
 * The "Sources and permissions" section that ends the anthology PDF, the
 * EPUB and the site: every article that says where it first appeared, with
 * its provenance line and the address of the original.
 */
import { formatNames, type Labels } from '../templates.ts';
import type { Book } from '../types.ts';
import { provenanceView, type ProvenanceView } from './provenance.ts';

/** The site's page of the section. */
export const SOURCES_PAGE = 'sources.html';

export interface SourceEntry {
  number: number;
  slug: string;
  title: string;
  authors: string;
  lang: string;
  provenance: ProvenanceView;
}

/** The articles with a provenance, in book order; empty when none has one (and then there is no section). */
export function sourceEntries(book: Book, labelsFor: (lang: string) => Labels): SourceEntry[] {
  return book.articles.flatMap((article, i) => {
    const provenance = provenanceView(article, labelsFor(article.lang));
    return provenance ? [{ number: i + 1, slug: article.slug, title: article.title, authors: formatNames(article.authors, article.lang), lang: article.lang, provenance }] : [];
  });
}

/** The section's title and introduction in the book's language. */
export function sourcesLabels(labels: Labels, lang: string): { title: string; intro: string } {
  const zh = /^zh\b/i.test(lang);
  return {
    title: labels.sources ?? (zh ? '来源与授权' : 'Sources and permissions'),
    intro: labels.sources_intro ?? (zh ? '本书各篇文章的出处与授权。' : 'Where the articles of this book first appeared, and on what terms.'),
  };
}
