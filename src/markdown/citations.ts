/**
 * rehype plugin: finds citations in Pandoc's syntax and marks them for the
 * build, which formats them with the book's CSL style once the
 * bibliographies are read (src/citations/): `[@key]`, `[@key, p. 12]`,
 * `[see @a; @b, chap. 2]`, `[-@key]` (the year without the author), and
 * narrative `@key` in running text ("@key says"). A key is ASCII letters,
 * digits and `_`, with `:.#$%&+?~/-` inside; `@` after a letter, a digit or
 * a dot (an e-mail address) starts none, and `@fig:`/`@tbl:` are references
 * to figures and tables (numbering.ts). The citation keeps its text as
 * written until it is formatted.
 */
import type { ElementContent, Root, Text } from 'hast';
import { placeOf, replaceText, sliceText } from './text-scan.ts';

export interface CiteItem {
  id: string;
  prefix?: string;
  suffix?: string;
  locator?: string;
  label?: string;
  /** `-@key`: the author is not repeated. */
  suppressAuthor?: boolean;
}

export interface CitationMark {
  items: CiteItem[];
  /** `narrative`: `@key` in the text, the author's name then the citation. */
  mode: 'normal' | 'narrative';
}

const KEY = '[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?~/-]*[A-Za-z0-9_])?';
const CLUSTER = new RegExp(`\\[([^\\[\\]]*?-?@${KEY}[^\\[\\]]*)\\]`, 'g');
const NARRATIVE = new RegExp(`(^|[^A-Za-z0-9_@.\\[])@(${KEY})`, 'g');
const ITEM = new RegExp(`^\\s*(.*?)\\s*(-?)@(${KEY})(?:\\s*[,，]?\\s*(.*?))?\\s*$`, 's');

/** CSL locator labels, as Pandoc reads them (the common English forms). */
const LABELS: Readonly<Record<string, string>> = {
  p: 'page', pp: 'page', page: 'page', pages: 'page', chap: 'chapter', chapter: 'chapter', ch: 'chapter', sec: 'section', section: 'section',
  vol: 'volume', volume: 'volume', fig: 'figure', figs: 'figure', no: 'issue', para: 'paragraph', l: 'line', ll: 'line', n: 'note', art: 'article', 第: 'page',
};

export default function rehypeCitations() {
  return (tree: Root): undefined => {
    replaceText(tree, (node) => {
      if (!node.value.includes('@')) return undefined;
      return split(node);
    });
  };
}

function split(node: Text): ElementContent[] | undefined {
  const spans: { start: number; end: number; mark: CitationMark }[] = [];
  for (const m of node.value.matchAll(CLUSTER)) {
    const items = parseCluster(m[1]!);
    if (items) spans.push({ start: m.index, end: m.index + m[0].length, mark: { items, mode: 'normal' } });
  }
  for (const m of node.value.matchAll(NARRATIVE)) {
    const start = m.index + m[1]!.length;
    const id = m[2]!;
    if (/^(fig|tbl):/.test(id) || spans.some((s) => start >= s.start && start < s.end)) continue;
    spans.push({ start, end: start + 1 + id.length, mark: { items: [{ id }], mode: 'narrative' } });
  }
  if (!spans.length) return undefined;
  spans.sort((a, b) => a.start - b.start);
  const out: ElementContent[] = [];
  let last = 0;
  for (const s of spans) {
    if (s.start > last) out.push(sliceText(node, last, s.start));
    const place = placeOf(node, s.start);
    out.push({
      type: 'element',
      tagName: 'span',
      properties: { className: ['citation'], dataCites: JSON.stringify(s.mark), dataLine: place?.line, dataColumn: place?.column },
      children: [{ type: 'text', value: node.value.slice(s.start, s.end) }],
    });
    last = s.end;
  }
  if (last < node.value.length) out.push(sliceText(node, last));
  return out;
}

/** The items of `[see @a, p. 3; @b]`, or undefined when the brackets hold something else. */
function parseCluster(inner: string): CiteItem[] | undefined {
  const items: CiteItem[] = [];
  for (const part of inner.split(/[;；]/)) {
    const m = ITEM.exec(part);
    if (!m || /^(fig|tbl):/.test(m[3]!)) return undefined;
    const [, prefix, dash, id, rest] = m;
    const item: CiteItem = { id: id! };
    if (prefix) item.prefix = prefix;
    if (dash) item.suppressAuthor = true;
    if (rest) Object.assign(item, locator(rest));
    items.push(item);
  }
  return items.length ? items : undefined;
}

/** `p. 12` → page 12; `sec. 2.1.2` → section 2.1.2; `chap. 2, and more` → chapter 2 with a suffix; a bare number is a page. */
function locator(text: string): Pick<CiteItem, 'locator' | 'label' | 'suffix'> {
  // A number may have parts (`sec. 2.1.2`).
  const labelled = /^([A-Za-z]+|第)\.?\s*([\dIVXLCDMivxlcdm]+(?:\.\d+)*(?:\s*[-–—]+\s*[\dIVXLCDMivxlcdm]+(?:\.\d+)*)?)\s*(?:页|章|节)?(.*)$/.exec(text);
  if (labelled && LABELS[labelled[1]!.toLowerCase()]) {
    return { label: LABELS[labelled[1]!.toLowerCase()], locator: labelled[2]!.replace(/\s*[-–—]+\s*/, '–'), ...(labelled[3]!.trim() ? { suffix: labelled[3]!.trim() } : {}) };
  }
  const bare = /^(\d+(?:\s*[-–]+\s*\d+)?)(.*)$/.exec(text);
  if (bare) return { label: 'page', locator: bare[1]!.replace(/\s*[-–]+\s*/, '–'), ...(bare[2]!.trim() ? { suffix: bare[2]!.trim() } : {}) };
  return { suffix: text };
}
