/**
 * An edition's book: every article and the book's own words converted to
 * another script with opencc-js (phrase by phrase: Taiwan's words with
 * `zh-Hant-TW`, Hong Kong's forms with `zh-Hant-HK`), leaving as written
 * what must not change: code, math, addresses, passages in other languages,
 * `translate="no"` elements, and the words of `keep:` (the article's and the
 * edition's). Latin text is never touched by the conversion.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import * as OpenCC from 'opencc-js';
import type { BookConfig } from '../config.ts';
import type { Article, Book, Heading } from '../types.ts';
import type { Edition, EditionScript } from './edition.ts';

export type Convert = (text: string) => string;

const TARGET: Record<EditionScript, { to: 'twp' | 'hk' | 'cn'; lang: string }> = {
  'zh-Hant': { to: 'twp', lang: 'zh-Hant' },
  'zh-Hant-TW': { to: 'twp', lang: 'zh-Hant-TW' },
  'zh-Hant-HK': { to: 'hk', lang: 'zh-Hant-HK' },
  'zh-Hans': { to: 'cn', lang: 'zh-Hans' },
};

const converters = new Map<string, Convert>();

/** The converter from `lang` (an article's) to the edition's script; undefined when the text is not Chinese or already in it. */
export function converterFor(script: EditionScript, lang: string): Convert | undefined {
  if (!/^zh\b/i.test(lang)) return undefined;
  const traditional = /^zh-(hant|tw|hk|mo)\b/i.test(lang);
  const target = TARGET[script];
  if (target.to === 'cn' ? !traditional : traditional && script === 'zh-Hant') return undefined;
  const from = target.to === 'cn' ? (/-hk\b/i.test(lang) ? 'hk' : 'tw') : traditional ? (/-hk\b/i.test(lang) ? 'hk' : 'tw') : 'cn';
  const key = `${from}>${target.to}`;
  let convert = converters.get(key);
  if (!convert) converters.set(key, (convert = OpenCC.Converter({ from, to: target.to })));
  return convert;
}

/** The edition's language tag for an article in `lang`: Chinese articles take the edition's script, others keep theirs. */
export function editionLang(script: EditionScript | undefined, lang: string): string {
  return script && /^zh\b/i.test(lang) ? TARGET[script].lang : lang;
}

/** `convert` that leaves every `keep` word as written. */
export function keeping(convert: Convert, keep: readonly string[]): Convert {
  const words = [...new Set(keep)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!words.length) return convert;
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => {
    let out = '';
    let last = 0;
    for (const m of text.matchAll(re)) {
      out += convert(text.slice(last, m.index)) + m[0];
      last = m.index + m[0].length;
    }
    return out + convert(text.slice(last));
  };
}

/**
 * Taiwan and Hong Kong quote with corner brackets, which opencc leaves to
 * the writer: “…” becomes 「…」 and ‘…’ becomes 『…』 in Chinese text. A
 * double quotation mark next to a Latin letter or digit, and a single one
 * not next to a Chinese character (an apostrophe: don’t), stay as written.
 */
export function cornerQuotes(text: string): string {
  return text
    .replace(/“(?![A-Za-z0-9])/g, '「')
    .replace(/(?<![A-Za-z0-9.,!?])”/g, '」')
    .replace(/‘(?=[\p{Script=Han}「])/gu, '『')
    .replace(/(?<=[\p{Script=Han}。，！？」])’/gu, '』');
}

/** `convert`, then corner brackets for quotation marks when the edition is Traditional. */
function quoting(convert: Convert, script: EditionScript): Convert {
  return TARGET[script].to === 'cn' ? convert : (text) => cornerQuotes(convert(text));
}

/** Elements whose text stays as written. */
const VERBATIM = new Set(['code', 'pre', 'kbd', 'samp', 'var', 'script', 'style', 'math', 'svg']);

function classes(el: Element): string[] {
  const c: unknown = el.properties.className;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? c.split(/\s+/) : [];
}

/** A copy of `tree` with its Chinese text converted, and its `lang` attributes of Chinese passages retagged. */
export function convertTree(tree: Root, convert: Convert, script: EditionScript | undefined): Root {
  const walk = <T extends Root | Element>(node: T): T => {
    const children = node.children.map((child): RootContent => {
      if (child.type === 'text') {
        // An address written out stays as written.
        return { ...child, value: /^\s*[a-z][a-z0-9+.-]*:\/\/\S+\s*$/i.test(child.value) ? child.value : convert(child.value) };
      }
      if (child.type !== 'element') return child;
      const el = child;
      const lang = typeof el.properties.lang === 'string' ? el.properties.lang : undefined;
      if (VERBATIM.has(el.tagName) || el.properties.translate === 'no' || classes(el).some((c) => c.startsWith('math') || c === 'language-math') || (lang && !/^zh\b/i.test(lang))) {
        return el;
      }
      const copy: Element = { ...el, properties: { ...el.properties }, children: [] };
      if (lang) copy.properties.lang = editionLang(script, lang);
      if (typeof el.properties.title === 'string') copy.properties.title = convert(el.properties.title);
      if (typeof el.properties.alt === 'string') copy.properties.alt = convert(el.properties.alt);
      if (typeof el.properties.ariaLabel === 'string') copy.properties.ariaLabel = convert(el.properties.ariaLabel);
      copy.children = walk(el as Element & { children: ElementContent[] }).children as ElementContent[];
      return copy;
    });
    return { ...node, children } as T;
  };
  return walk(tree);
}

/** An article as the edition has it. */
export function convertArticle(article: Article, edition: Edition): Article {
  const base = edition.script && converterFor(edition.script, article.lang);
  if (!base) return { ...article, lang: editionLang(edition.script, article.lang) };
  const convert = quoting(keeping(base, [...(article.keep ?? []), ...edition.keep]), edition.script!);
  const heading = (h: Heading): Heading => ({ ...h, text: convert(h.text) });
  const tree = convertTree(article.tree, convert, edition.script);
  const p = article.provenance;
  return {
    ...article,
    title: convert(article.title),
    subtitle: article.subtitle && convert(article.subtitle),
    authors: article.authors.map(convert),
    tags: article.tags.map(convert),
    summary: article.summary && convert(article.summary),
    excerpt: convert(article.excerpt),
    lang: editionLang(edition.script, article.lang),
    headings: article.headings.map(heading),
    provenance: p && {
      ...p,
      publisher: p.publisher && convert(p.publisher),
      permission: p.permission && convert(p.permission),
      license: p.license && convert(p.license),
      translators: p.translators.map(convert),
    },
    tree,
    // Prints and caches keyed by the article's hash tell the edition from the original.
    hash: `${article.hash}:${edition.id}`,
  };
}

/** The book as the edition has it: converted articles and config, in the same order, with the same slugs and images. */
export function editionBook(book: Book, edition: Edition, name: string): Book {
  const lang = editionLang(edition.script, book.config.lang ?? 'en');
  const base = edition.script && converterFor(edition.script, book.config.lang ?? 'en');
  const convert = base ? quoting(keeping(base, edition.keep), edition.script!) : (s: string) => s;
  const articles = book.articles.map((a) => convertArticle(a, edition));
  const tags = new Map<string, { slug: string; articles: string[] }>();
  for (const [tag, entry] of book.tags) {
    const converted = convert(tag);
    const known = tags.get(converted);
    if (known) known.articles.push(...entry.articles);
    else tags.set(converted, { slug: entry.slug, articles: [...entry.articles] });
  }
  const c = book.config;
  const people = (list: string[] | undefined) => list?.map(convert);
  const config: BookConfig = {
    ...c,
    title: convert(c.title),
    subtitle: c.subtitle && convert(c.subtitle),
    editor: people(c.editor),
    author: people(c.author),
    publisher: c.publisher && convert(c.publisher),
    description: c.description && convert(c.description),
    rights: c.rights && convert(c.rights),
    lang,
    writing: edition.writing,
    output: { ...c.output, name },
  };
  return { ...book, config, articles, tags };
}
