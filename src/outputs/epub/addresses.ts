/**
 * rehype plugin: the addresses a chapter keeps are valid in an EPUB: a link
 * to the web (or mailto, ftp) and a citation as a strict RFC 3986 URI;
 * `#fragment` links and links to chapter files as they are; anything else
 * (unparseable, or a scheme that makes no sense in a book) is dropped.
 */
import type { Root } from 'hast';
import { strictUri } from '../../urls.ts';
import { visitElements } from './walk.ts';

export default function rehypeEpubAddresses() {
  return (tree: Root): undefined => {
    visitElements(tree, (node) => {
      const p = node.properties;
      if (typeof p.cite === 'string') {
        const cite = /^https?:/i.test(p.cite) ? strictUri(p.cite) : undefined;
        if (cite) p.cite = cite;
        else delete p.cite;
      }
      if (node.tagName === 'a' && typeof p.href === 'string') {
        const href = linkTarget(p.href);
        if (href === undefined) delete p.href;
        else p.href = href;
      }
    });
  };
}

function linkTarget(href: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed.startsWith('#') || /^[A-Za-z0-9_.-]+\.xhtml(#.*)?$/.test(trimmed)) return trimmed;
  if (!/^(https?|mailto|ftp):/i.test(trimmed)) return undefined;
  return strictUri(trimmed);
}
