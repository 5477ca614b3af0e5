/**
 * rehype plugin: gives a link with no words of its own — an image without a
 * description, linked (`[![](shot.png)](https://…)`, common in clipped
 * articles) — an accessible name, so that a screen reader says where it
 * goes: its `title` when it has one, else its address without the scheme.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';

export default function rehypeLinkNames() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string' || node.properties.ariaLabel) return;
      if (toString(node).trim() || hasDescribedImage(node)) return;
      const title = typeof node.properties.title === 'string' ? node.properties.title.trim() : '';
      node.properties.ariaLabel = title || readableAddress(node.properties.href);
    });
  };
}

function hasDescribedImage(node: Element): boolean {
  let described = false;
  visit(node, 'element', (child: Element) => {
    if (child.tagName === 'img' && typeof child.properties.alt === 'string' && child.properties.alt.trim()) described = true;
  });
  return described;
}

/** `https://yuque.com/a?utm_source=x` → `yuque.com/a`; a fragment or relative path as written. */
function readableAddress(href: string): string {
  try {
    const url = new URL(href);
    if (!/^https?:$/.test(url.protocol)) return href;
    const path = url.pathname === '/' ? '' : decodeURIComponent(url.pathname).replace(/\/$/, '');
    return `${url.host.replace(/^www\./, '')}${path}`;
  } catch {
    return href;
  }
}
