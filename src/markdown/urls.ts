/**
 * rehype plugin, run before sanitizing: writes the addresses of links,
 * images and quotations (`href`, `src`, `cite`) as valid URLs (see
 * `validUrl`): `MAILTO:` as `mailto:`, a second `#` as `%23`, spaces
 * escaped, escapes kept. The sanitizer then judges, and every output
 * carries, the address a browser would follow.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import { validUrl } from '../urls.ts';

const URL_PROPERTIES = ['href', 'src', 'cite'] as const;

export default function rehypeValidUrls() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node) => {
      for (const key of URL_PROPERTIES) {
        const value = node.properties[key];
        if (typeof value === 'string') node.properties[key] = validUrl(value);
      }
    });
  };
}
