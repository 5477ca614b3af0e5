/**
 * rehype plugin: keeps a number range on one line (`100-200万元`,
 * `1990–1995`): the range is wrapped in `<span class="nowrap">`, which the
 * stylesheets set `white-space: nowrap`, so no line breaks after its hyphen.
 * The hyphen stays the character written, for search and copying.
 */
import type { Element, ElementContent, Root, Text } from 'hast';
import { h } from 'hastscript';

const RANGE = /\d+(?:[.,]\d+)*(?:[-\u2010\u2013]\d+(?:[.,]\d+)*)+/g;
const SKIP = new Set(['pre', 'code', 'kbd', 'samp', 'script', 'style', 'svg', 'math', 'textarea']);
/** Longer runs of digits and hyphens are not ranges (serial numbers): they may break. */
const MAX_LENGTH = 24;

export default function rehypeNumberRanges() {
  return (tree: Root): undefined => {
    const stack: (Root | Element)[] = [tree];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.type === 'element' && node.properties.className && String(node.properties.className).includes('nowrap')) continue;
      const children: ElementContent[] = [];
      let changed = false;
      for (const child of node.children as ElementContent[]) {
        if (child.type === 'element' && !SKIP.has(child.tagName)) stack.push(child);
        if (child.type !== 'text' || !/\d[-\u2010\u2013]\d/.test(child.value)) {
          children.push(child);
          continue;
        }
        changed = true;
        children.push(...split(child));
      }
      if (changed) node.children = children as typeof node.children;
    }
  };
}

function split(node: Text): ElementContent[] {
  const out: ElementContent[] = [];
  let last = 0;
  for (const m of node.value.matchAll(RANGE)) {
    if (m[0].length > MAX_LENGTH || !/[-\u2010\u2013]/.test(m[0])) continue;
    if (m.index > last) out.push({ type: 'text', value: node.value.slice(last, m.index) });
    out.push(h('span.nowrap', m[0]));
    last = m.index + m[0].length;
  }
  if (last < node.value.length) out.push({ type: 'text', value: node.value.slice(last) });
  return out;
}
