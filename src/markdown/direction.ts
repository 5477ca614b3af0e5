/**
 * rehype plugin: sets `dir` on the blocks written in a right-to-left script
 * (Arabic, Hebrew…), and `dir="ltr"` back on a block inside them that is not,
 * so that an Arabic paragraph is laid out right to left in every output
 * (site, PDF, EPUB). A block's direction is that of the script most of its
 * letters are in; a direction the source gave is kept.
 */
import type { Element, Root } from 'hast';
import { PASSAGE_BLOCKS, proseText } from './prose.ts';
import { countScripts, mainScript } from './script.ts';

const DIRECTED = new Set([...PASSAGE_BLOCKS, 'ul', 'ol', 'dl', 'table', 'figure', 'details']);

export default function rehypeTextDirection() {
  return (tree: Root): undefined => {
    // Iterative, parents before children, each with the direction it inherits.
    const stack: { node: Root | Element; inherited: 'ltr' | 'rtl' }[] = [{ node: tree, inherited: 'ltr' }];
    while (stack.length) {
      const { node, inherited } = stack.pop()!;
      for (const child of node.children) {
        if (child.type !== 'element' || child.tagName === 'pre' || child.tagName === 'code') continue;
        let dir = inherited;
        const given = child.properties.dir;
        if (given === 'rtl' || given === 'ltr') dir = given;
        else if (given === undefined && DIRECTED.has(child.tagName)) {
          const script = mainScript(countScripts(proseText(child)));
          const own = script === 'arabic' || script === 'hebrew' ? 'rtl' : script ? 'ltr' : inherited;
          if (own !== inherited) child.properties.dir = own;
          dir = own;
        }
        stack.push({ node: child, inherited: dir });
      }
    }
  };
}
