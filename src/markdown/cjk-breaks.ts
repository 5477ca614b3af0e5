/**
 * remark plugin: a line break inside a paragraph between two CJK characters
 * disappears instead of becoming a space, since Chinese and Japanese put no
 * space between words (like Pandoc's `east_asian_line_breaks`).
 */
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3000-\\u303f\\uff00-\\uffef';
const BREAK = new RegExp(`([${CJK}])[ \\t]*\\n[ \\t]*(?=[${CJK}])`, 'gu');

export default function remarkCjkBreaks() {
  return (tree: Root): undefined => {
    visit(tree, 'text', (node) => {
      if (node.value.includes('\n')) node.value = node.value.replace(BREAK, '$1');
    });
  };
}
