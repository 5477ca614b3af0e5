/**
 * rehype plugin: a paragraph that is nothing but a short quotation without
 * sentence punctuation (`<p><strong>“某行业有先天短板”</strong></p>`) is a
 * section heading, when the article's other section headings are written
 * the same way (two or more such paragraphs) or are real headings (`h2`–`h4`,
 * whose level it takes). Its words stay as written, quotation marks
 * included. A quoted line next to another one is dialogue, and stays.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { isQuotedLine } from '../lines.ts';
import { collapseWhitespace } from './whitespace.ts';

/** What a heading paragraph may hold: words, emphasis, nothing else. */
const INLINE = new Set(['strong', 'b', 'em', 'i', 'span', 'font', 'br']);

export default function rehypeImportQuotedHeadings() {
  return (tree: Root): undefined => {
    const candidates: Element[] = [];
    let realLevel = 0;
    visit(tree, 'element', (node, index, parent) => {
      if (/^h[2-4]$/.test(node.tagName)) {
        const level = Number(node.tagName[1]);
        realLevel = realLevel ? Math.min(realLevel, level) : level;
        return SKIP;
      }
      if (node.tagName !== 'p' || !parent || index === undefined) return undefined;
      if (!onlyWords(node) || !isQuotedLine(collapseWhitespace(toString(node)))) return SKIP;
      const siblings = (parent.children as ElementContent[]).filter((c): c is Element => c.type === 'element');
      const at = siblings.indexOf(node);
      if (!isDialogue(siblings[at - 1]) && !isDialogue(siblings[at + 1])) candidates.push(node);
      return SKIP;
    });
    if (!candidates.length || (candidates.length < 2 && !realLevel)) return;
    for (const node of candidates) {
      const text = collapseWhitespace(toString(node));
      node.tagName = `h${realLevel || 2}`;
      node.properties = {};
      node.children = [{ type: 'text', value: text }];
    }
  };
}

/** A line of quoted speech, with or without its punctuation: `“你们的菜是现做的吗？”`. */
function isDialogue(el: Element | undefined): boolean {
  return !!el && /^[“"「『][^]{1,60}[”"」』]$/u.test(collapseWhitespace(toString(el)));
}

function onlyWords(node: Element): boolean {
  return node.children.every((c: ElementContent) => c.type === 'text' || c.type === 'comment' || (c.type === 'element' && INLINE.has(c.tagName) && onlyWords(c)));
}
