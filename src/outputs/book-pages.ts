/**
 * Where each article is in the anthology PDF, as the PDF output found it
 * when it assembled the book: the pages it spans (for citations: the site's
 * meta tags, "Cite this", citations.json) and the words each of its pages
 * begins with (for the EPUB's page list, epub/page-breaks.ts). The PDF
 * output hands it on through the book's `OutputFile`, which the outputs
 * that run after it see in `ctx.files`: no output prints anything twice.
 */
import type { OutputContext, OutputFile } from './types.ts';

export interface ArticlePages {
  slug: string;
  /** First and last page of the article in the anthology PDF (1-based; a blank page after it not counted). */
  first: number;
  last: number;
  /**
   * The pages after the first, each with the start of its text as
   * `matchText` leaves it (running head left out); empty when the page
   * shows no text.
   */
  starts: { page: number; text: string }[];
}

/** How many characters of a page's text are kept to find where it begins. */
export const OPENING_LENGTH = 32;

/**
 * Text reduced to what survives every output's typesetting: letters and
 * digits only (no spaces, line-end hyphens, punctuation or quote styles),
 * compatibility forms folded (full-width letters, ligatures), lower case.
 */
export function matchText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The anthology PDF's entry among the files written so far, when this build made one. */
export function anthologyPdf(ctx: Pick<OutputContext, 'book' | 'files'>): OutputFile | undefined {
  const file = ctx.files.get(`${ctx.book.config.output.name}.pdf`);
  return file?.articles ? file : undefined;
}

/** Each article's pages in the anthology PDF by slug (empty when no anthology PDF was made). */
export function articlePages(ctx: Pick<OutputContext, 'book' | 'files'>): Map<string, ArticlePages> {
  return new Map((anthologyPdf(ctx)?.articles ?? []).map((a) => [a.slug, a]));
}
