/**
 * rehype plugin: links of an imported page point to absolute addresses;
 * links that cannot work outside the page (`javascript:`, `#`, `#top`, a
 * relative address with no known page address) keep their text without the link.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { absoluteUrl } from './urls.ts';

export default function rehypeImportLinks() {
  return (tree: Root, file: VFile): undefined => {
    const base = file.data.importBase;
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'a') return;
      const href = typeof node.properties.href === 'string' ? node.properties.href.trim() : '';
      const title = typeof node.properties.title === 'string' ? node.properties.title : undefined;
      let target: string | undefined;
      if (/^mailto:/i.test(href)) target = href;
      else if (href === '#' || href === '#top') target = undefined;
      else if (href.startsWith('#') && !base) target = href;
      else target = absoluteUrl(href, base);
      if (target) {
        node.properties = { href: target, ...(title ? { title } : {}) };
      } else {
        // Text only: a <span> disappears in Markdown, its children stay.
        node.tagName = 'span';
        node.properties = {};
      }
    });
  };
}
