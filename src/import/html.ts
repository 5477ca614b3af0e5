/**
 * A saved web page → an article: the metadata from the page's head (title,
 * authors, date, canonical address, description, tags, language), the main
 * text found by Mozilla's Readability on a linkedom DOM, and that text as
 * Markdown through rehype-parse → our clean-up plugins → rehype-remark.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { toString as mdastToString } from 'mdast-util-to-string';
import { VFile } from 'vfile';
import { parseIsoDate, findDate } from './dates.ts';
import { detectLang, normalizeLang } from './lang.ts';
import { isBareCount, isClosingLine, parseCredits, parseDateLine, PUBLISHER_WEIGHT, PublisherChoice, readMetaLine, splitNames } from './lines.ts';
import { createHtmlProcessor, type HtmlProcessor } from './markdown.ts';
import { normalizeHeadingLevels } from './plugins/heading-levels.ts';
import { absoluteUrl } from './plugins/urls.ts';
import { collapseWhitespace } from './plugins/whitespace.ts';
import type { Extracted, ImportMeta } from './types.ts';

export interface HtmlOptions {
  /** The encoding the bytes were decoded from (Big5 → `zh-TW` when the page does not say). */
  encoding: string;
  /** Reused across files; made when absent. */
  processor?: HtmlProcessor;
}

/** Class and id words of elements that are never the article. */
const FURNITURE_WORDS = new Set([
  'share', 'sharing', 'sharebar', 'social', 'comment', 'comments', 'disqus', 'ad', 'ads', 'advert', 'adverts', 'advertisement', 'adsbygoogle',
  'sponsor', 'sponsored', 'related', 'newsletter', 'subscribe', 'subscription', 'signup', 'breadcrumb', 'breadcrumbs', 'pagination', 'pager',
  'cookie', 'cookies', 'gdpr', 'popup', 'modal', 'outbrain', 'taboola', 'nav', 'navbar', 'navigation', 'menu', 'toolbar', 'sidebar',
]);
/** Never the article. (Scripts stay for Readability: it reads JSON-LD from them, then drops them.) */
const REMOVE_SELECTOR = 'template, iframe, form, button, input, select, textarea, nav, [role="navigation"], [hidden], [aria-hidden="true"]:not(img):not(svg)';
const SUBTITLE_WORDS = new Set(['dek', 'deck', 'subtitle', 'subheadline', 'subhead', 'standfirst', 'strapline']);

export async function extractHtml(html: string, options: HtmlOptions): Promise<Extracted> {
  const { document } = parseHTML(html) as unknown as { document: Document };
  const warnings: Extracted['warnings'] = [];
  const head = readHead(document, html);

  // Clean the page before Readability scores it: furniture cannot be chosen as the article.
  const subtitle = takeSubtitle(document, head.title);
  removeFurniture(document);

  const parsed = new Readability(document, { keepClasses: true, charThreshold: 200 }).parse();
  let contentHtml = parsed?.content ?? '';
  if (!parsed || !contentHtml.trim()) {
    const fallback = document.querySelector('article') ?? document.querySelector('main') ?? document.body;
    contentHtml = fallback?.innerHTML ?? '';
    warnings.push({ rule: 'import-extract', message: 'Could not tell the article from the rest of the page; imported the whole page text: check it' });
  }

  const title = head.title ?? cleanTitle(parsed?.title ?? undefined, head.siteName);
  let authors = head.authors.length ? head.authors : parsed?.byline ? bylineNames(parsed.byline, head.siteName) : head.infoLine.authors;
  let date = head.date ?? (parsed?.publishedTime ? (parseIsoDate(parsed.publishedTime) ?? findDate(parsed.publishedTime)?.value) : undefined) ?? head.visibleDate ?? head.infoLine.date;

  const processor = options.processor ?? createHtmlProcessor();
  const file = new VFile({ value: contentHtml });
  if (head.base) file.data.importBase = head.base;
  file.data.importAuthors = authors;
  file.data.importDropped = [];
  const body = await processor.run(processor.parse(file), file);
  for (const m of file.messages) warnings.push({ rule: m.ruleId ?? 'import', message: m.reason });
  // Bylines, reprint notices and source lines left out of the text say what the head did not.
  const publisher = new PublisherChoice();
  if (head.account) publisher.offer({ name: head.account, weight: PUBLISHER_WEIGHT.account });
  let subtitleLine: string | undefined;
  let fallbackAuthor: string | undefined;
  for (const m of file.data.importMeta ?? []) {
    if (!authors.length && m.authors.length) authors = m.authors;
    if (m.publisher) publisher.offer(m.publisher);
    fallbackAuthor ??= m.fallbackAuthor;
    date ??= m.date;
    subtitleLine ??= m.subtitle;
  }
  if (!authors.length && fallbackAuthor) authors = [fallbackAuthor];
  // A line of several parts (`2024年5月1日 · 顾青禾、程一苇 · 阅读约 6 分钟`), part by part.
  for (const line of file.data.importDropped ?? []) {
    if (readMetaLine(line)) continue;
    for (const part of line.split(/\s*[·•|｜]\s*/)) {
      if (!authors.length) authors = (parseCredits(part) ?? []).flatMap((c) => (c.kind === 'author' ? c.names : []));
      date ??= parseDateLine(part)?.date;
    }
  }
  // The headline repeated as the body's first heading: it is the title already.
  const first = body.children[0];
  if (title && first?.type === 'heading' && collapseWhitespace(mdastToString(first)) === title) {
    body.children.shift();
    file.data.importDropped!.push(title);
    normalizeHeadingLevels(body);
  }

  const text = document.body?.textContent ?? '';
  const meta: ImportMeta = {
    title: title || undefined,
    subtitle: (subtitle ?? subtitleLine) && (subtitle ?? subtitleLine) !== title ? (subtitle ?? subtitleLine) : undefined,
    authors,
    date,
    source: head.source,
    publisher: publisher.name,
    tags: head.tags,
    lang: detectLang(parsed?.textContent ?? text, options.encoding, head.lang),
    summary: cleanSummary(head.summary),
  };
  if (!head.source) {
    const consequence = head.base ? '' : ', and links and images with relative addresses could not be kept';
    warnings.push({ rule: 'import-source', message: `The page does not say its address (no canonical link, og:url or "saved from" comment): \`source\` is left out${consequence}` });
  }
  return { meta, body, dropped: file.data.importDropped ?? [], warnings };
}

interface Head {
  title?: string;
  /** The WeChat account that posted the page (`#js_name`). */
  account?: string;
  siteName?: string;
  authors: string[];
  date?: string;
  /** A date shown in the page (`<time>`, `.date`), when the head has none. */
  visibleDate?: string;
  source?: string;
  base?: string;
  summary?: string;
  tags: string[];
  lang?: string;
  /** What the line under the headline says (`2021年06月08日 10:12　来源：西岭网　作者：许静澜`). */
  infoLine: { date?: string; authors: string[] };
}

function readHead(document: Document, html: string): Head {
  const meta = (...names: string[]): string | undefined => {
    for (const name of names) {
      for (const el of all(document, `meta[name="${name}" i], meta[property="${name}" i], meta[itemprop="${name}" i]`)) {
        const value = collapseWhitespace(el.getAttribute('content') ?? '');
        if (value) return value;
      }
    }
    return undefined;
  };
  const siteName = meta('og:site_name', 'application-name');

  // The page's own address: canonical link, og:url, or the comment browsers leave when saving.
  const savedFrom = /<!--\s*saved from url=\(\d+\)(\S+?)\s*-->/i.exec(html.slice(0, 2000))?.[1];
  const ogUrl = absoluteUrl(meta('og:url') ?? '', undefined);
  const saved = savedFrom ? absoluteUrl(savedFrom, undefined) : undefined;
  const canonicalHref = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href') ?? '';
  const canonical = absoluteUrl(canonicalHref, ogUrl ?? saved);
  const source = canonical ?? ogUrl ?? saved;
  const baseHref = document.querySelector('base[href]')?.getAttribute('href') ?? '';
  const base = absoluteUrl(baseHref, source) ?? source;

  // Title: the social title, else the page's one <h1>, else Readability's guess.
  const h1s = all(document, 'h1').map((h) => collapseWhitespace(h.textContent ?? '')).filter(Boolean);
  const title = cleanTitle(meta('og:title', 'twitter:title', 'headline'), siteName) ?? (h1s.length === 1 ? h1s[0] : undefined);

  const authorMeta = meta('author', 'article:author', 'byl', 'dc.creator', 'sailthru.author', 'parsely-author');
  const authors = authorMeta && !absoluteUrl(authorMeta, undefined) ? bylineNames(authorMeta, siteName) : [];

  const dateText = meta('article:published_time', 'datePublished', 'pubdate', 'publishdate', 'publish_date', 'publish-date', 'dc.date.issued', 'dc.date', 'date', 'sailthru.date', 'parsely-pub-date', 'og:published_time');
  const date = dateText ? (parseIsoDate(dateText) ?? findDate(dateText)?.value) : undefined;
  let visibleDate: string | undefined;
  for (const el of all(document, 'time[datetime], time[pubdate]')) {
    const value = el.getAttribute('datetime') ?? el.textContent ?? '';
    visibleDate = parseIsoDate(value) ?? findDate(value)?.value;
    if (visibleDate) break;
  }
  if (!visibleDate) {
    for (const el of all(document, '[class], [id]')) {
      if (!words(el).some((w) => ['date', 'time', 'pubtime', 'pubdate', 'publish', 'published', 'timestamp', 'dateline'].includes(w))) continue;
      const text = collapseWhitespace(el.textContent ?? '');
      if (text.length > 60) continue;
      visibleDate = findDate(text)?.value;
      if (visibleDate) break;
    }
  }

  const tags = [...new Set(all(document, 'meta[property="article:tag" i]').map((el) => collapseWhitespace(el.getAttribute('content') ?? '')).filter(Boolean))];
  const lang = document.documentElement?.getAttribute('lang') || meta('content-language') || document.querySelector('meta[http-equiv="content-language" i]')?.getAttribute('content') || meta('og:locale');
  const account = collapseWhitespace(document.querySelector('#js_name')?.textContent ?? '');
  return {
    title,
    account: account && account.length <= 30 ? account : undefined,
    siteName,
    authors,
    date,
    visibleDate,
    source,
    base,
    summary: meta('description', 'og:description', 'twitter:description'),
    tags,
    lang: lang && normalizeLang(lang) ? lang : undefined,
    infoLine: readInfoLine(document),
  };
}

/** The date and byline in the short lines right after the page's headline. */
function readInfoLine(document: Document): { date?: string; authors: string[] } {
  const found: { date?: string; authors: string[] } = { authors: [] };
  const h1 = document.querySelector('h1');
  let el = h1?.nextElementSibling ?? null;
  for (let n = 0; el && n < 3; n++, el = el.nextElementSibling) {
    const text = collapseWhitespace(el.textContent ?? '');
    if (!text || text.length > 150) continue;
    const pieces = el.children.length >= 2 ? Array.from(el.children).map((c) => c.textContent ?? '') : [el.textContent ?? ''];
    for (const part of pieces.flatMap((p) => p.split(/[\u3000|｜]|\s{2,}|\n/)).map((p) => p.trim()).filter(Boolean)) {
      const date = parseDateLine(part)?.date;
      if (date) found.date ??= date;
      for (const c of parseCredits(part) ?? []) if (c.kind === 'author') found.authors.push(...c.names.filter((x) => !found.authors.includes(x)));
    }
  }
  return found;
}

/**
 * The page's description without the furniture and bylines a clipped page
 * starts with (`点击上方蓝字关注我们 文 | 某某研究院，作者丨某某 …`, which is
 * what WeChat puts there): undefined when nothing of the article is left.
 */
export function cleanSummary(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const words = collapseWhitespace(description).split(' ');
  const isClipping = (text: string) => isClosingLine(text) || readMetaLine(text) !== undefined || isBareCount(text);
  let start = 0;
  while (start < words.length) {
    // The longest run of words from here that is one line of furniture or a byline.
    let taken = 0;
    for (let n = Math.min(words.length - start, 12); n >= 1; n--) {
      if (isClipping(words.slice(start, start + n).join(' '))) {
        taken = n;
        break;
      }
    }
    if (!taken) break;
    start += taken;
  }
  const rest = words.slice(start).join(' ');
  return rest && !isClipping(rest) ? rest : undefined;
}

/** A title without the site's name glued to it: `标题_城南晚报`, `Title — Site`, `Title | Site`. */
function cleanTitle(title: string | undefined, siteName: string | undefined): string | undefined {
  if (!title) return undefined;
  let t = collapseWhitespace(title);
  const separators = /\s*(?:[|｜_–—]|\s-\s|\s::\s|\s»\s)\s*/;
  if (siteName) {
    const parts = t.split(separators);
    const kept = parts.filter((p) => p !== siteName);
    if (kept.length && kept.length < parts.length) t = kept.join(' ');
  }
  return t || undefined;
}

/** `By Jane Doe and John Roe`, `记者 苏晚晴`, `顾青禾, 程一苇` → names; nothing for a site's own name or prose. */
function bylineNames(byline: string | undefined, siteName: string | undefined): string[] {
  if (!byline) return [];
  const text = collapseWhitespace(byline);
  const credits = parseCredits(text);
  const names = credits ? credits.flatMap((c) => (c.kind === 'author' ? c.names : [])) : text.length <= 80 && !/[。！？!?]/.test(text) ? splitNames(text) : [];
  return [...new Set(names.filter((n) => n !== siteName && n.length <= 40))];
}

/** Takes a short standfirst (`<p class="dek">`) out of the page as the subtitle. */
function takeSubtitle(document: Document, title: string | undefined): string | undefined {
  for (const el of all(document, '[class], [id]')) {
    if (!words(el).some((w) => SUBTITLE_WORDS.has(w))) continue;
    const text = collapseWhitespace(el.textContent ?? '');
    if (!text || text.length > 200 || text === title || el.querySelector('p, div, h1, img')) continue;
    el.remove();
    return text;
  }
  return undefined;
}

/** Removes navigation, forms, scripts and blocks named like furniture (share bars, ads, comments, related links). */
function removeFurniture(document: Document): void {
  for (const el of all(document, REMOVE_SELECTOR)) el.remove();
  const bodyText = (document.body?.textContent ?? '').length;
  for (const el of all(document, '[class], [id]')) {
    if (!el.isConnected) continue;
    const tag = el.tagName.toLowerCase();
    if (tag === 'html' || tag === 'body' || tag === 'main' || tag === 'article') continue;
    if (!words(el).some((w) => FURNITURE_WORDS.has(w))) continue;
    // Never a block that holds the article itself.
    if (el.querySelector('article, main, h1') || (el.textContent ?? '').length > bodyText / 2) continue;
    el.remove();
  }
}

function words(el: Element): string[] {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase().split(/[\s_-]+/).filter(Boolean);
}

function all(root: ParentNode, selector: string): Element[] {
  return Array.from(root.querySelectorAll(selector));
}
