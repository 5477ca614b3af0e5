/**
 * remark plugin: the imported body's highest heading becomes `##` (the
 * title is `#`, in the front matter), keeping the steps between levels.
 */
import type { Heading, Root } from 'mdast';
import { visit } from 'unist-util-visit';

export default function remarkImportHeadingLevels() {
  return (tree: Root): undefined => {
    normalizeHeadingLevels(tree);
  };
}

export function normalizeHeadingLevels(tree: Root): void {
  const headings: Heading[] = [];
  visit(tree, 'heading', (node) => {
    headings.push(node);
  });
  if (!headings.length) return;
  const shift = 2 - Math.min(...headings.map((h) => h.depth));
  for (const h of headings) h.depth = Math.min(6, Math.max(2, h.depth + shift)) as Heading['depth'];
}
