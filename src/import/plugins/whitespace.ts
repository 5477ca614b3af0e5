/**
 * rehype plugin: a line break in the page's source between two Chinese (or
 * Japanese) characters is no space: browsers that render one show a stray
 * gap, and Markdown would keep it as a real space. Such breaks are removed,
 * and so are full-width spaces indenting a paragraph (`　　正文`); all other
 * text stays as it is.
 */
import type { Root, Text } from 'hast';

const BLOCKS = new Set(['p', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td', 'th', 'dd', 'dt', 'figcaption']);
import { SKIP, visit } from 'unist-util-visit';

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef`;
const BREAK_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])[ \\t]*\\n\\s*(?=[${CJK}])`, 'gu');

export default function rehypeImportWhitespace() {
  return (tree: Root): undefined => {
    visit(tree, (node) => {
      if (node.type === 'element' && (node.tagName === 'pre' || node.tagName === 'textarea')) return SKIP;
      if (node.type === 'text') node.value = node.value.replace(BREAK_BETWEEN_CJK, '');
      if (node.type === 'element' && BLOCKS.has(node.tagName)) {
        const texts: Text[] = [];
        visit(node, 'text', (t) => {
          texts.push(t);
        });
        const first = texts[0];
        if (first) first.value = first.value.replace(/^[\s\u3000]+/u, '');
        const last = texts[texts.length - 1];
        if (last) last.value = last.value.replace(/[\s\u3000]+$/u, '');
      }
      return undefined;
    });
  };
}

/** Whitespace runs as one space, none at a line break between CJK characters. */
export function collapseWhitespace(text: string): string {
  return text.replace(BREAK_BETWEEN_CJK, '').replace(/\s+/g, ' ').trim();
}
