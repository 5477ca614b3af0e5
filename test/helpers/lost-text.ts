/**
 * The lost-text check: every word of every article's Markdown (Latin words,
 * words of other alphabets, and runs of four or more Han characters) must be
 * found in what a reader gets — its site page, its own PDF, its pages of the
 * anthology PDF and its EPUB chapter — as the readers' tools extract it
 * (pdftotext, the XHTML's text). Words are compared without spaces and case,
 * so line breaks, hyphenation at line ends and full-width punctuation do not
 * count as losses; a word cut off at the page edge or dropped does.
 * Used by test/lost-text.test.ts and scripts/lost-text.ts (any built book).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Html, Nodes, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { fontCoverage } from '../../src/assets/coverage.ts';
import { splitFrontMatter } from '../../src/content/frontmatter.ts';
import remarkMathAsWritten from '../../src/markdown/math.ts';
import type { Book } from '../../src/types.ts';
import { zipFiles } from './epub-zip.ts';
import { bookmarks, pageTexts } from './pdf-tools.ts';

/** Elements whose content is never shown (the sanitizer removes them with their content, and warns). */
const HIDDEN = /<(script|style|template|noscript|textarea|title|xmp|iframe|object|embed|svg|math|select|button)\b[\s\S]*?<\/\1\s*>/gi;

/**
 * The text a reader should get from an article's Markdown: its words, not
 * its syntax, URLs or image descriptions. Of math, the words of `\text{…}`
 * (the rest are symbols, which MathML does not spell as TeX does); of a
 * Mermaid diagram, its labels; citations (`[@key, p. 12]`, `@key`),
 * references to figures (`@fig:flow`), ids (`{#tbl:cost}`) and callout
 * markers (`[!NOTE]`) are syntax: the build writes other words for them.
 */
export function sourceText(markdown: string): string {
  const tree = unified().use(remarkParse).use(remarkGfm).use(remarkMathAsWritten).parse(splitFrontMatter(markdown).body) as Root;
  const out: string[] = [];
  const walk = (node: Nodes) => {
    if (node.type === 'text') out.push(proseOf(node.value));
    else if (node.type === 'inlineMath' || node.type === 'math') out.push(mathWords(node.value));
    else if (node.type === 'code' && node.lang === 'mermaid') out.push(diagramLabels(node.value));
    else if (node.type === 'inlineCode' || node.type === 'code') out.push(node.value);
    else if (node.type === 'html') out.push(htmlText(node));
    else if (node.type === 'image' || node.type === 'imageReference' || node.type === 'definition') return;
    if ('children' in node) {
      // Inline HTML comes as tags between text: skip what a hidden element encloses.
      let hiddenUntil: RegExp | undefined;
      for (const child of node.children as Nodes[]) {
        if (hiddenUntil) {
          if (child.type === 'html' && hiddenUntil.test(child.value)) hiddenUntil = undefined;
          continue;
        }
        const open = child.type === 'html' ? /^<(script|style|template|noscript|textarea|title|xmp|iframe|object|embed|svg|math|select|button)\b[^>]*>$/i.exec(child.value.trim()) : null;
        if (open) {
          hiddenUntil = new RegExp(`</${open[1]}\\s*>`, 'i');
          continue;
        }
        walk(child);
      }
    }
    out.push(' ');
  };
  walk(tree);
  return out.join('');
}

/** Prose without the syntax of citations, references, ids and callout markers. */
function proseOf(text: string): string {
  return text
    .replace(/\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/gi, ' ')
    .replace(/\{#[\w:.-]+\}/g, ' ')
    .replace(/\[[^[\]]*@[\w:.#$%&+?~/-]+[^[\]]*\]/g, ' ')
    .replace(/(^|[^\w@.])-?@[\w:.#$%&+?~/-]*\w/g, '$1 ');
}

/** The words a formula spells out: its `\text{…}` (and the like). */
function mathWords(tex: string): string {
  return [...tex.matchAll(/\\(?:text|textrm|textit|textbf|mbox|mathrm|operatorname)\s*\{([^{}]*)\}/g)].map((m) => m[1]).join(' ');
}

/**
 * The labels of a Mermaid diagram, as its SVG shows them: node and edge
 * texts (`A[…]`, `B{…}`, `C(…)`, `-->|…|`, `"…"`) and messages after a
 * colon; not its keywords, ids or accessibility title (which is no text of the page).
 */
function diagramLabels(source: string): string {
  const labels: string[] = [];
  for (const line of source.split('\n')) {
    if (/^\s*(accTitle|accDescr|%%)/.test(line)) continue;
    for (const m of line.matchAll(/\[([^\]]*)\]|\{([^}]*)\}|\(([^)]*)\)|\|([^|]*)\||"([^"]*)"|:\s*([^:]+)$/g)) labels.push(m.slice(1).find((g) => g !== undefined) ?? '');
  }
  return labels.join(' ');
}

function htmlText(node: Html): string {
  return node.value
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(HIDDEN, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' })[e]!);
}

/**
 * The words to look for: Latin words and numbers, words of other alphabets,
 * and runs of 4+ Han characters, each once. Characters no bundled font has
 * are left out (the build warns about them: `font-missing`).
 */
export function wordsOf(text: string): string[] {
  const covered = fontCoverage();
  const words = new Set<string>();
  for (const m of text.normalize('NFKC').matchAll(/\p{Script=Han}{4,}|[\p{L}\p{N}]+/gu)) {
    const word = m[0];
    if (/\p{Script=Han}/u.test(word) && !/^\p{Script=Han}+$/u.test(word)) continue;
    if ([...word].some((c) => !covered.has(c.codePointAt(0)!))) continue;
    // Mixed runs ("2024年"): the Han part is checked only as a run of 4+.
    for (const part of word.split(/(\p{Script=Han}+)/u)) {
      if (!part) continue;
      if (/^\p{Script=Han}+$/u.test(part) ? part.length >= 4 : true) words.add(part.toLowerCase());
    }
  }
  return [...words];
}

/** Text as a search target: NFKC, lower case, no whitespace, no hyphen that ends a line. */
export function searchable(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00ad\u200b]/g, '')
    .replace(/-\s*\n\s*/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/**
 * A PDF's text without its page furniture: running heads (lines that are
 * just the book's or the article's title) and page numbers, so that a
 * sentence broken by a page turn reads on.
 */
export function withoutFurniture(pages: string[], heads: string[]): string {
  const drop = new Set(heads.map((h) => searchable(h)));
  return pages
    .map((page) => {
      const lines = page.split('\n').filter((line) => line.trim());
      // The running head is a page's first line; its number, its last.
      if (lines.length && drop.has(searchable(lines[0]!))) lines.shift();
      if (lines.length && /^\d+$/.test(searchable(lines[lines.length - 1]!))) lines.pop();
      return lines.join('\n');
    })
    .join('\n');
}

/** The text of an HTML or XHTML page (its body), as a reader sees it. */
export function pageText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return body
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' })[e]!);
}

export interface Loss {
  article: string;
  output: string;
  missing: string[];
}

export interface LostTextOptions {
  /** The built book (from build()), for the articles, their order and slugs. */
  book: Book;
  /** The output folder. */
  out: string;
}

/**
 * Checks every article of a built book in every output that was written;
 * returns the words each output lacks (empty: nothing lost), and how many
 * words were checked.
 */
export function lostText({ book, out }: LostTextOptions): { losses: Loss[]; words: number } {
  const losses: Loss[] = [];
  let checked = 0;
  const anthology = path.join(out, `${book.config.output.name}.pdf`);
  const epub = path.join(out, `${book.config.output.name}.epub`);
  const has = (file: string) => {
    try {
      readFileSync(file, { flag: 'r' }).length;
      return true;
    } catch {
      return false;
    }
  };
  // The anthology: each article's pages, from its bookmark to the next one.
  let bookPages: string[] | undefined;
  let starts: number[] = [];
  if (has(anthology)) {
    bookPages = pageTexts(anthology);
    const marks = bookmarks(anthology);
    starts = book.articles.map((a) => marks.find((m) => m.title === a.title)?.page ?? 0);
  }
  const chapters = has(epub) ? zipFiles(readFileSync(epub)) : undefined;
  const width = Math.max(3, String(book.articles.length).length);
  for (const [i, article] of book.articles.entries()) {
    const words = wordsOf(sourceText(readFileSync(article.file, 'utf8')));
    checked += words.length;
    const targets: [string, () => string][] = [];
    const site = path.join(out, 'articles', `${article.slug}.html`);
    if (has(site)) targets.push([`site articles/${article.slug}.html`, () => pageText(readFileSync(site, 'utf8'))]);
    const own = path.join(out, 'pdf', `${article.slug}.pdf`);
    const heads = [book.config.title, article.title];
    if (has(own)) targets.push([`pdf/${article.slug}.pdf`, () => withoutFurniture(pageTexts(own), heads)]);
    if (bookPages) {
      const from = starts[i]!;
      const next = starts.slice(i + 1).find((p) => p > 0) ?? bookPages.length + 1;
      targets.push([`${path.basename(anthology)} pages ${from}–${next - 1}`, () => (from ? withoutFurniture(bookPages!.slice(from - 1, next - 1), heads) : '')]);
    }
    const chapter = `OEBPS/a${String(i + 1).padStart(width, '0')}.xhtml`;
    if (chapters?.has(chapter)) targets.push([`${path.basename(epub)} ${chapter}`, () => pageText(chapters.text(chapter))]);
    for (const [output, text] of targets) {
      const haystack = searchable(text());
      const missing = words.filter((w) => !haystack.includes(searchable(w)));
      if (missing.length) losses.push({ article: article.path, output, missing });
    }
  }
  return { losses, words: checked };
}

export function describeLosses(losses: Loss[]): string {
  return losses.map((l) => `${l.article} in ${l.output}: ${l.missing.length} words missing: ${l.missing.slice(0, 15).join(' ')}${l.missing.length > 15 ? ' …' : ''}`).join('\n');
}
