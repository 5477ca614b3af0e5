/**
 * Page-break markers in an EPUB chapter where the anthology PDF's pages
 * begin, for the EPUB's page list: an e-book reader can then cite and go to
 * the same pages as a reader of the printed book.
 *
 * The first page of each article is exact: the chapter template puts its
 * marker before the title. For the pages after it, the PDF output read how
 * each page's text begins (pdf/page-text.ts: the painted text of the page,
 * without its running head, reduced by `matchText` to letters and digits);
 * here that opening is looked for in the chapter's text, reduced the same
 * way, after the previous page's, and the marker goes before the character
 * it starts with (before the word, when the page begins inside one, as a
 * hyphenated word does; before a formula or drawing, when inside one;
 * before the paragraph, heading or list, when the page begins with it, so
 * that a heading's name stays its text). An
 * opening that is not found is tried without the digits it begins with
 * (list and reference numbers, which the EPUB's CSS writes) and with its
 * first half; one still not found (the page begins with text only print
 * has, such as the provenance line, or with a picture whose words are in
 * the image) is left out of the page list and counted. So a
 * marker is at the first character of its page, or at the first of the
 * words its page begins with that the EPUB has too.
 */
import type { Element, ElementContent, Root, RootContent, Text } from 'hast';
import { matchText } from '../book-pages.ts';

export interface PageStart {
  page: number;
  text: string;
}

export interface PageBreaks {
  /** Pages whose marker was placed, with its id. */
  placed: { page: number; id: string }[];
  /** Pages whose beginning was not found. */
  missed: number[];
}

/** Fewer characters than this are not looked for: too likely to be found in the wrong place. */
const MIN_MATCH = 8;

/** Elements no `<span>` may go into: a marker for a page starting inside one goes before it. */
const OPAQUE = new Set(['math', 'svg']);

/** Elements whose children a `<span>` may not be among: a marker goes into their child instead. */
const NO_FLOW = new Set(['ol', 'ul', 'menu', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'colgroup', 'select', 'optgroup', 'datalist', 'details', 'ruby', 'picture', 'audio', 'video', 'hgroup']);

interface Segment {
  node: Text;
  /** Its ancestors, the tree first. */
  path: (Root | Element)[];
  /** The outermost element the text is inside that takes no marker. */
  opaque?: { node: Element; parent: Root | Element };
}

/** The marker element of page `n`. */
export function pageBreak(page: number, id: string): Element {
  return { type: 'element', tagName: 'span', properties: { id, 'epub:type': 'pagebreak', role: 'doc-pagebreak', ariaLabel: String(page) }, children: [] };
}

/** Places markers for `starts` (pages in order) into `tree`, a chapter's body. */
export function markPageBreaks(tree: Root, starts: readonly PageStart[]): PageBreaks {
  const segments: Segment[] = [];
  const ids = new Set<string>();
  const walk = (path: (Root | Element)[], opaque: Segment['opaque']) => {
    const parent = path[path.length - 1]!;
    for (const child of parent.children) {
      if (child.type === 'text') segments.push({ node: child, path, opaque });
      else if (child.type === 'element') {
        if (typeof child.properties.id === 'string') ids.add(child.properties.id);
        walk([...path, child], opaque ?? (OPAQUE.has(child.tagName) ? { node: child, parent } : undefined));
      }
    }
  };
  walk([tree], undefined);

  // The chapter's text as matchText leaves it, and where each of its characters comes from.
  const cache = new Map<string, string>();
  let hay = '';
  const from: { seg: number; offset: number }[] = [];
  segments.forEach((s, seg) => {
    const value = s.node.value;
    for (let offset = 0; offset < value.length; ) {
      const cp = value.codePointAt(offset)!;
      const ch = String.fromCodePoint(cp);
      let reduced = cache.get(ch);
      if (reduced === undefined) cache.set(ch, (reduced = matchText(ch)));
      for (let k = 0; k < reduced.length; k++) from.push({ seg, offset });
      hay += reduced;
      offset += ch.length;
    }
  });

  const result: PageBreaks = { placed: [], missed: [] };
  const insertions: { seg: number; offset: number; page: number; id: string }[] = [];
  let after = 0;
  for (const start of starts) {
    let at = -1;
    // Numbers the EPUB's CSS writes (a list's, a numeric reference list's) are text in print: tried without them too.
    const bare = start.text.replace(/^\p{N}+/u, '');
    const half = (t: string) => t.slice(0, Math.ceil(t.length / 2));
    for (const wanted of new Set([start.text, bare, half(start.text), half(bare)])) {
      if (wanted.length < MIN_MATCH) continue;
      at = hay.indexOf(wanted, after);
      if (at >= 0) break;
    }
    if (at < 0) {
      result.missed.push(start.page);
      continue;
    }
    after = at + 1;
    const { seg, offset } = from[at]!;
    const id = ids.has(`page-${start.page}`) ? `pdf-page-${start.page}` : `page-${start.page}`;
    insertions.push({ seg, offset: wordStart(segments[seg]!.node.value, offset), page: start.page, id });
    result.placed.push({ page: start.page, id });
  }

  // Last first, so that earlier places stay where they were.
  for (const ins of insertions.reverse()) {
    const s = segments[ins.seg]!;
    const marker = pageBreak(ins.page, ins.id);
    if (s.opaque) {
      const i = s.opaque.parent.children.indexOf(s.opaque.node as RootContent & ElementContent);
      s.opaque.parent.children.splice(i, 0, marker);
      continue;
    }
    if (ins.offset === 0) {
      const [parent, node] = blockStart(s);
      const siblings = parent.children as (RootContent | ElementContent)[];
      siblings.splice(siblings.indexOf(node), 0, marker);
    } else {
      const siblings = s.path[s.path.length - 1]!.children as (RootContent | ElementContent)[];
      const i = siblings.indexOf(s.node);
      const rest: Text = { type: 'text', value: s.node.value.slice(ins.offset) };
      s.node.value = s.node.value.slice(0, ins.offset);
      siblings.splice(i + 1, 0, marker, rest);
    }
  }
  return result;
}

/**
 * Where a marker for the start of `s` goes: before the outermost element
 * that `s` begins (nothing but white space before it), whose parent may
 * hold a `<span>`; else before the text itself.
 */
function blockStart(s: Segment): [Root | Element, RootContent | ElementContent] {
  let best: [Root | Element, RootContent | ElementContent] = [s.path[s.path.length - 1]!, s.node];
  let node: RootContent | ElementContent = s.node;
  for (let k = s.path.length - 1; k >= 1; k--) {
    const parent = s.path[k]! as Element;
    const before = parent.children.slice(0, parent.children.indexOf(node as ElementContent));
    if (before.some((c) => c.type !== 'text' || c.value.trim() !== '')) break;
    node = parent;
    const grand = s.path[k - 1]!;
    if (grand.type === 'root' || !NO_FLOW.has(grand.tagName)) best = [grand, node];
  }
  return best;
}

/** The start of the word at `offset` in letters of alphabetic scripts; other text (Chinese, Japanese) breaks anywhere. */
function wordStart(value: string, offset: number): number {
  const letter = /[\p{L}\p{M}\p{N}'’-]/u;
  const spaced = (ch: string) => letter.test(ch) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch);
  let i = offset;
  while (i > 0 && spaced(value[i - 1]!) && spaced(value[i]!)) i--;
  return i;
}
