/**
 * rehype plugin: a link that leads nowhere (its address was dropped, or its
 * target is not in the chapter) and a link inside another link (invalid: a
 * linked remote image became a placeholder with a link of its own) become
 * plain text in a `<span>`, losing the link's roles.
 */
import type { Element, Root } from 'hast';
import { SKIP, visitElements } from './walk.ts';

export default function rehypeEpubLinks() {
  return (tree: Root): undefined => {
    visitElements(tree, (node) => {
      if (node.tagName !== 'a') return;
      if (typeof node.properties.href !== 'string') {
        unlink(node);
        return;
      }
      visitElements(node, (inner) => {
        if (inner.tagName === 'a') unlink(inner);
      });
      return SKIP;
    });
  };
}

function unlink(node: Element): void {
  const p = node.properties;
  node.tagName = 'span';
  delete p.href;
  delete p.hrefLang;
  if (p['epub:type'] === 'noteref') delete p['epub:type'];
  if (typeof p.role === 'string' && /^doc-(noteref|backlink)$/.test(p.role)) delete p.role;
}
