/**
 * remark plugin: in Chinese articles, ASCII `, : ; ? ! ( )` written in
 * Chinese text become their full-width forms (，：；？！（）), with the spaces
 * typed around them removed, as Chinese is set; the count goes on
 * `file.data.fullwidthPunctuation`. Left alone: code and math (not text),
 * addresses, numbers (`1,000`, `10:30`), marks after Latin words
 * (`Hello, world`; `10:30,比分` does change), escaped marks (`\,`), passages mostly in Latin letters,
 * and every article when the book config says `typography.punctuation: keep`.
 */
import type { Nodes, Parents, Root, Text } from 'mdast';
import type { VFile } from 'vfile';
import { literalOffsets } from './escapes.ts';
import { countScripts, mainScript } from './script.ts';

const FULL: Readonly<Record<string, string>> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
/** Han, kana, hangul, CJK punctuation, full-width forms, and the quotes Chinese uses. */
const CJK_CONTEXT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef“”‘’]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Nd}]/u;
const DIGIT = /[0-9]/;
/** Spaces typed around a mark (tabs are kept: they separate columns). */
const SPACE = /[ \u00a0]/;
/** Chinese punctuation after which an ASCII mark is not punctuation (`、:hover`). */
const AFTER_PUNCTUATION = /[\u3001\u3002\uff0c\uff1a\uff1b]/;
/** Addresses and e-mail addresses, which keep their ASCII punctuation. */
const ADDRESS = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef]*|www\.[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;
/** `:)` and its kin are pictures, not punctuation. */
const EMOTICON = /[:;]-?[)DPp](?![A-Za-z])|:-?\((?![^()]*\))/g;
/** Inline nodes that are not text: code, math, HTML, images, breaks. They read as Latin in the text around them. */
const OPAQUE = '\u0001';

export default function remarkFullwidthPunctuation() {
  return (tree: Root, file: VFile): undefined => {
    if (!/^zh\b/i.test(file.data.lang ?? '') || file.data.book?.typography?.punctuation === 'keep') return;
    let count = 0;
    const stack: Nodes[] = [tree];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') count += normaliseBlock(node, file);
      else if ('children' in node) for (const child of node.children) stack.push(child as Nodes);
    }
    file.data.fullwidthPunctuation = count;
  };
}

interface Piece {
  node: Text;
  /** Offset of the node's first character in the block's text. */
  at: number;
}

/** Normalises one block's text (its text nodes read as one string); returns the number of marks changed. */
function normaliseBlock(block: Parents, file: VFile): number {
  const pieces: Piece[] = [];
  let text = '';
  const keep = new Set<number>();
  const walk = (parent: Parents, inAutolink: boolean) => {
    for (const child of parent.children as Nodes[]) {
      if (child.type === 'text') {
        pieces.push({ node: child, at: text.length });
        if (inAutolink) for (let k = 0; k < child.value.length; k++) keep.add(text.length + k);
        for (const k of literalOffsets(child, file)) keep.add(text.length + k);
        text += child.value;
      } else if (child.type === 'link') {
        const label = child.children.length === 1 && child.children[0]!.type === 'text' ? child.children[0]!.value : undefined;
        walk(child, inAutolink || label === child.url || `mailto:${label}` === child.url || /^(https?:|www\.)/i.test(label ?? ''));
      } else if ('children' in child) walk(child, inAutolink);
      else text += OPAQUE;
    }
  };
  walk(block, false);
  if (!/[,:;?!()]/.test(text)) return 0;
  if (mainScript(countScripts(text)) !== 'cjk') return 0;
  for (const m of text.matchAll(ADDRESS)) for (let k = 0; k < m[0].length; k++) keep.add(m.index + k);

  for (const m of text.matchAll(EMOTICON)) for (let k = 0; k < m[0].length; k++) keep.add(m.index + k);
  const chars = text.split('');
  const replaced = new Map<number, string>();
  let count = 0;
  const at = (i: number) => replaced.get(i) ?? chars[i];
  const change = (i: number) => {
    replaced.set(i, FULL[chars[i]!]!);
    count++;
    // Spaces typed around the mark go: a full-width mark carries its own space.
    for (let k = i - 1; k >= 0 && SPACE.test(chars[k]!) && !keep.has(k); k--) replaced.set(k, '');
    for (let k = i + 1; k < chars.length && SPACE.test(chars[k]!) && !keep.has(k); k++) replaced.set(k, '');
  };
  const neighbour = (i: number, step: 1 | -1): string | undefined => {
    for (let k = i + step; k >= 0 && k < chars.length; k += step) if (!/\s/.test(chars[k]!)) return at(k);
    return undefined;
  };

  // Parentheses, in pairs: around Chinese text, or with Chinese outside and no Latin word before
  // (`亚马逊(Amazon)、`); not around parentheses of their own (`(gcd(x, y) ≠ 1)`: code or math).
  const open: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (keep.has(i)) continue;
    if (chars[i] === '(') open.push(i);
    else if (chars[i] === ')' && open.length) {
      const o = open.pop()!;
      const inside = text.slice(o + 1, i);
      if (/[()]/.test(inside)) continue;
      const before = neighbour(o, -1);
      const after = neighbour(i, 1);
      const besideChinese = !(before && LATIN_OR_DIGIT.test(before)) && ((before && CJK_CONTEXT.test(before)) || (after && CJK_CONTEXT.test(after)));
      if (HAN.test(inside) || besideChinese) {
        change(o);
        change(i);
      }
    }
  }
  // Commas, colons, semicolons, question and exclamation marks after Chinese text (not between digits).
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!',:;?!'.includes(c) || keep.has(i)) continue;
    if (DIGIT.test(chars[i - 1] ?? '') && DIGIT.test(chars[i + 1] ?? '')) continue;
    const prev = neighbour(i, -1);
    const next = neighbour(i, 1);
    if (!prev) continue;
    // Right after Chinese punctuation (`6、:user-valid`), or after a space and against what follows
    // (`说 !False`, `介绍 :hover`), the mark starts a token of its own.
    if (AFTER_PUNCTUATION.test(chars[i - 1] ?? '') || (SPACE.test(chars[i - 1] ?? '') && /[^\s\p{Script=Han}]/u.test(chars[i + 1] ?? ' '))) continue;
    if (CJK_CONTEXT.test(prev) || (next && CJK_CONTEXT.test(next) && !LATIN.test(prev) && prev !== OPAQUE)) change(i);
  }
  if (!count) return 0;
  for (const { node, at: start } of pieces) {
    let value = '';
    for (let k = 0; k < node.value.length; k++) value += replaced.get(start + k) ?? node.value[k];
    node.value = value;
  }
  return count;
}
