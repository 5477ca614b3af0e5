/**
 * Provenance: where an article first appeared and on what terms (front
 * matter `source`, `publisher`, `published`, `license`, `permission`,
 * `translator`), and the "首发于 X，2022年12月19日 / First published in X on
 * December 19, 2022" line every output shows with the article.
 */
import type { FrontMatter } from '../content/frontmatter.ts';
import { formatDate, formatNames, type Labels } from '../templates.ts';
import type { Article } from '../types.ts';
import { validUrl } from '../urls.ts';

export interface Provenance {
  /** Where it first appeared: a periodical, a site, a book. */
  publisher?: string;
  /** The original date (`date` is then the date in this book); else `date` is taken for it. */
  published?: string;
  license?: string;
  /** Permission to reprint, as written (`经作者授权转载`, `Reprinted by permission of …`). */
  permission?: string;
  translators: string[];
}

/** The provenance written in the front matter, or undefined when it says nothing of it. */
export function provenanceOf(meta: FrontMatter): Provenance | undefined {
  const p: Provenance = { publisher: meta.publisher, published: meta.published, license: meta.license, permission: meta.permission, translators: meta.translator ?? [] };
  return p.publisher || p.published || p.license || p.permission || p.translators.length ? p : undefined;
}

/** The provenance line as a template shows it: `before`, the publisher (a link to `href` when there is a source), `after`; then the other notes. */
export interface ProvenanceView {
  /** "首发于" … "，2022年12月19日" around the publisher; absent when neither publisher, source nor original date is known. */
  firstPublished?: { before: string; publisher?: string; after: string; href?: string };
  /** The original date, ISO, for `<time>`. */
  published?: string;
  publisher?: string;
  source?: string;
  translated?: string;
  license?: string;
  permission?: string;
  /** Between the notes: a space, or nothing after `。`. */
  sep?: string;
  /** The whole line as plain text (metadata, tests). */
  text: string;
}

/** Words of the line, from labels.yaml, with defaults for Chinese and English. */
function words(labels: Labels, lang: string): Labels {
  const zh = /^zh\b/i.test(lang);
  return {
    first_published: zh ? '首发于{publisher}，{date}' : 'First published in {publisher} on {date}',
    first_published_undated: zh ? '首发于{publisher}' : 'First published in {publisher}',
    first_published_on: zh ? '首次发表于{date}' : 'First published on {date}',
    translated_by: zh ? '{names} 译' : 'Translated by {names}',
    license: zh ? '许可：{license}' : 'License: {license}',
    ...labels,
  };
}

/** The host of a source address without `www.`, to name a publisher the front matter does not. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/** What an article's provenance line says, in its language; undefined when there is nothing to say. */
export function provenanceView(article: Article, labels: Labels): ProvenanceView | undefined {
  const p = article.provenance;
  const source = article.source && validUrl(article.source);
  if (!p && !source) return undefined;
  const w = words(labels, article.lang);
  const date = p?.published ?? article.date;
  const dateLabel = formatDate(date, article.lang);
  const publisher = p?.publisher ?? (source ? hostOf(source) : undefined);
  const view: ProvenanceView = { text: '', published: date, publisher, source };
  if (publisher) {
    const template = dateLabel ? w.first_published! : w.first_published_undated!;
    const [before = '', after = ''] = template.replace('{date}', dateLabel ?? '').split('{publisher}');
    view.firstPublished = { before, publisher, after, href: source };
  } else if (p?.published && dateLabel) {
    view.firstPublished = { before: w.first_published_on!.replace('{date}', dateLabel), after: '' };
  }
  if (p?.translators.length) view.translated = w.translated_by!.replace('{names}', formatNames(p.translators, article.lang));
  if (p?.license) view.license = w.license!.replace('{license}', p.license);
  if (p?.permission) view.permission = p.permission;
  // Each note a sentence of its own: `。` closes Chinese and Japanese ones, `.` and a space others.
  const cjk = /^(zh|ja)\b/i.test(article.lang);
  const close = (s: string | undefined) => (s === undefined || /[。.！!？?]$/.test(s) ? s : s + (cjk ? '。' : '.'));
  if (view.firstPublished) view.firstPublished.after = close(view.firstPublished.before + (view.firstPublished.publisher ?? '') + view.firstPublished.after)!.slice(view.firstPublished.before.length + (view.firstPublished.publisher ?? '').length);
  view.translated = close(view.translated);
  view.license = close(view.license);
  view.permission = close(view.permission);
  view.sep = cjk ? '' : ' ';
  const first = view.firstPublished ? `${view.firstPublished.before}${view.firstPublished.publisher ?? ''}${view.firstPublished.after}` : undefined;
  view.text = [first, view.translated, view.license, view.permission].filter(Boolean).join(view.sep);
  return view.text ? view : undefined;
}
