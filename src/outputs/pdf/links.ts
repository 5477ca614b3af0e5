/**
 * Links between articles in print. An article's document links to another
 * article with a reference URL (`https://ref.anthology.invalid/<slug>#<id>`),
 * which Chromium prints as a plain web link; the assembly turns it into a
 * link inside the book (to a named destination: the other article's first
 * page or the element with that id) or, in an article's own PDF, into a link
 * to the other article's PDF next to it. Ids are prefixed per article
 * (`<slug>:`), so names never clash in the book.
 */
import type { Article, Book } from '../../types.ts';
import type { LinkTarget } from './assemble.ts';

export const REF_HOST = 'https://ref.anthology.invalid/';
/** The id of the book's back matter, the "Sources and permissions" section (documents.ts backBody). */
export const BACK_ID = ':sources';
/** The URL a link to another article is printed with; the assembly resolves it. */
export function refUrl(slug: string, fragment?: string): string {
  return REF_HOST + encodeURIComponent(slug) + (fragment ? '#' + encodeURIComponent(fragment) : '');
}
/** The slug and fragment of a reference URL, or undefined for any other URL. */
export function parseRefUrl(uri: string): { slug: string; fragment?: string } | undefined {
  if (!uri.startsWith(REF_HOST)) return undefined;
  const [slug = '', fragment] = uri.slice(REF_HOST.length).split('#');
  try {
    return { slug: decodeURIComponent(slug), fragment: fragment ? decodeURIComponent(fragment) : undefined };
  } catch {
    return undefined;
  }
}

/** A destination name as the bytes of its UTF-8 form, the way names are compared here. */
export function destName(id: string): string {
  return Buffer.from(id, 'utf8').toString('latin1');
}

/** Prefix of every id of an article in print: ids stay unique in the book and name PDF destinations. */
export function idPrefix(article: Article): string {
  return `${article.slug}:`;
}

/** The destination name of an article's first page (in the book): its prefix alone, which no id can produce. */
export function startId(article: Article): string {
  return idPrefix(article);
}

/** A link to another article, inside the book. */
export function bookLink(book: Book, uri: string): LinkTarget | undefined {
  const ref = parseRefUrl(uri);
  if (ref?.slug === BACK_ID) return { dest: destName(BACK_ID) };
  const target = ref && book.articles.find((a) => a.slug === ref.slug);
  if (!ref || !target) return undefined;
  const start = destName(startId(target));
  return { dest: ref.fragment ? destName(idPrefix(target) + ref.fragment) : start, fallback: start };
}

/** A link to another article, from an article's own PDF: that article's PDF, next to it. */
export function articleLink(book: Book, uri: string): LinkTarget | undefined {
  const ref = parseRefUrl(uri);
  const target = ref && book.articles.find((a) => a.slug === ref.slug);
  if (!ref || !target) return undefined;
  return { file: `${target.slug}.pdf`, dest: ref.fragment ? destName(idPrefix(target) + ref.fragment) : undefined };
}
