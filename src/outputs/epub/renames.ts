/**
 * rehype plugin: elements that the EPUB 3 XHTML schema rejects (obsolete in
 * HTML5) or that are interactive where e-readers are not become a valid
 * equivalent, a class keeping what they were; a picture's `<source>`s go, as
 * they point at files the EPUB does not carry (its `<img>` stays).
 */
import type { Root } from 'hast';
import { classList } from './class-list.ts';
import { visitElements } from './walk.ts';

const RENAME: Readonly<Record<string, { tagName: string; className?: string }>> = {
  tt: { tagName: 'code' },
  strike: { tagName: 's' },
  big: { tagName: 'span', className: 'big' },
  center: { tagName: 'div', className: 'center' },
  font: { tagName: 'span' },
  details: { tagName: 'div', className: 'details' },
  summary: { tagName: 'p', className: 'summary' },
  picture: { tagName: 'span', className: 'picture' },
};

export default function rehypeEpubRenames() {
  return (tree: Root): undefined => {
    visitElements(tree, (node, index, parent) => {
      if (node.tagName === 'source') {
        parent.children.splice(index, 1);
        return index;
      }
      if (!Object.hasOwn(RENAME, node.tagName)) return;
      const renamed = RENAME[node.tagName]!;
      node.tagName = renamed.tagName;
      if (renamed.className) node.properties.className = [...classList(node), renamed.className];
    });
  };
}
