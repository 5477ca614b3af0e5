/** rehype plugin: records the article's section headings (h2, h3) for tables of contents and bookmarks. */
import type { Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { Heading } from '../types.ts';

export default function rehypeCollectHeadings() {
  return (tree: Root, file: VFile): undefined => {
    const headings: Heading[] = [];
    visit(tree, 'element', (node) => {
      const depth = headingRank(node);
      if (!depth || depth < 2 || depth > 3) return;
      const id = node.properties.id;
      if (typeof id !== 'string' || id === 'footnote-label') return;
      const text = toString(node).replace(/\s+/g, ' ').trim();
      if (text) headings.push({ depth, text, id });
    });
    file.data.headings = headings;
  };
}
