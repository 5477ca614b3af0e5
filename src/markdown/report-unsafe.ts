/**
 * rehype plugin, run just before sanitizing: names what the sanitizer is
 * about to remove (scripts, frames, styles, forms, event handlers, unsafe
 * URLs), so that an author learns why part of the raw HTML vanished. It
 * changes nothing itself.
 */
import type { Root } from 'hast';
import type { Schema } from 'hast-util-sanitize';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

const URL_PROPS = ['href', 'src', 'action', 'formAction', 'poster', 'cite', 'data', 'srcSet', 'xLinkHref'];
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/)|\.{0,2}\/|[^:/?#]*(?:[/?#]|$))/i;

export default function rehypeReportUnsafe(schema: Schema) {
  const allowed = new Set(schema.tagNames ?? []);
  const strip = new Set(schema.strip ?? []);
  return (tree: Root, file: VFile): undefined => {
    visit(tree, 'element', (node) => {
      const place = node.position;
      if (!place) return; // made by our own plugins, not written by the author
      if (!allowed.has(node.tagName)) {
        const what = strip.has(node.tagName) ? 'with its content' : 'keeping its text';
        file.message(`Unexpected \`<${node.tagName}>\` in raw HTML: removed ${what}`, { place, ruleId: 'html-removed', source: 'sanitize' });
        return;
      }
      for (const [key, value] of Object.entries(node.properties)) {
        if (/^on[a-z]/i.test(key)) {
          file.message(`Unexpected event handler \`${key.toLowerCase()}\` on \`<${node.tagName}>\`: removed`, { place, ruleId: 'html-removed', source: 'sanitize' });
        } else if (key === 'style') {
          file.message(`Unexpected \`style\` attribute on \`<${node.tagName}>\`: removed (the templates decide the look)`, { place, ruleId: 'html-removed', source: 'sanitize' });
        } else if (URL_PROPS.includes(key) && typeof value === 'string' && !SAFE_URL.test(value.trim())) {
          file.message(`Unexpected address \`${value.trim().slice(0, 60)}\` in \`${key}\` of \`<${node.tagName}>\`: only http(s), mailto and relative addresses are kept`, {
            place,
            ruleId: 'url-removed',
            source: 'sanitize',
          });
        }
      }
    });
  };
}

/**
 * rehype plugin, run after sanitizing: the sanitizer keeps `<input>` only as
 * a disabled checkbox (for task lists) and turns any other input into one;
 * a checkbox outside a task list item is a leftover form control, so it goes.
 */
export function rehypeDropStrayInputs() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'input' || !parent || index === undefined) return;
      const inTaskItem = parent.type === 'element' && (parent.tagName === 'li' || parent.tagName === 'p') && node.properties.type === 'checkbox' && !node.position;
      if (inTaskItem) return;
      parent.children.splice(index, 1);
      return index;
    });
  };
}
