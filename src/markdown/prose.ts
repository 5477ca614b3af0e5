/**
 * The prose of a block of the hast tree, for judging its script and
 * direction: its text without code, math, nested lists, footnote numbers
 * and link labels that are addresses.
 */
import type { Element, ElementContent } from 'hast';

const NOT_PROSE = new Set(['pre', 'code', 'kbd', 'samp', 'var', 'script', 'style', 'ul', 'ol', 'sup', 'svg', 'math']);
/** Blocks that hold a passage: each may get its own language and direction. */
export const PASSAGE_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'td', 'th', 'figcaption', 'caption', 'dt', 'dd', 'summary']);

export function proseText(node: Element): string {
  let text = '';
  const walk = (children: ElementContent[]) => {
    for (const c of children) {
      if (c.type === 'text') text += c.value;
      else if (c.type === 'element' && !NOT_PROSE.has(c.tagName) && !isAddress(c)) walk(c.children);
      else if (c.type === 'element') text += ' ';
    }
  };
  walk(node.children);
  return text;
}

function isAddress(node: Element): boolean {
  if (node.tagName !== 'a' || node.children.length !== 1 || node.children[0]!.type !== 'text') return false;
  return /^(https?:\/\/|www\.|mailto:)/i.test(node.children[0]!.value.trim());
}
