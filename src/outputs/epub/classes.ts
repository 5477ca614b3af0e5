/**
 * rehype plugin: alignment (GFM table cells, raw HTML), obsolete as an
 * attribute, becomes a class (`align-left`, `align-right`, `align-center`,
 * `align-justify`) that the stylesheet honours; an empty class list goes.
 */
import type { Root } from 'hast';
import { classList } from './class-list.ts';
import { visitElements } from './walk.ts';

export default function rehypeEpubClasses() {
  return (tree: Root): undefined => {
    visitElements(tree, (node) => {
      const p = node.properties;
      if (typeof p.align === 'string' && /^(left|right|center|justify)$/i.test(p.align)) {
        p.className = [...classList(node), `align-${p.align.toLowerCase()}`];
      }
      delete p.align;
      if (Array.isArray(p.className) && p.className.length === 0) delete p.className;
    });
  };
}
