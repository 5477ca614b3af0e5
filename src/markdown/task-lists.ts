/**
 * rehype plugin: gives each task-list checkbox an accessible name, the
 * words of its own item (not those of a list nested in it, nor footnote
 * numbers; in a loose list, of the item's first paragraph), as `aria-label`, which every output keeps (the EPUB too, where
 * ids are renamed and `aria-labelledby` would need to follow).
 */
import type { Element, ElementContent, Root } from 'hast';
import { visit } from 'unist-util-visit';

export default function rehypeTaskListLabels() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'li' || !classes(node).includes('task-list-item')) return;
      // The checkbox starts the item, or its first paragraph (a loose list: the paragraph is the task).
      const first = node.children.find((c): c is Element => c.type === 'element');
      const paragraph = first?.tagName === 'p' ? first : undefined;
      const box = checkbox(first) ?? checkbox(paragraph?.children.find((c): c is Element => c.type === 'element'));
      if (!box) return;
      const label = ownText((paragraph ?? node).children).replace(/\s+/g, ' ').trim();
      if (label) box.properties.ariaLabel = label;
    });
  };
}

function checkbox(node: Element | undefined): Element | undefined {
  return node?.tagName === 'input' && node.properties.type === 'checkbox' ? node : undefined;
}

function classes(node: Element): string[] {
  const c = node.properties.className;
  return Array.isArray(c) ? c.map(String) : [];
}

/** The text of an item without its nested lists and footnote references. */
function ownText(children: ElementContent[]): string {
  return children
    .map((c) => {
      if (c.type === 'text') return c.value;
      if (c.type !== 'element') return '';
      if (c.tagName === 'ul' || c.tagName === 'ol') return ' ';
      if (c.tagName === 'sup' && c.children.some((a) => a.type === 'element' && a.properties.dataFootnoteRef !== undefined)) return '';
      if (c.tagName === 'img') return typeof c.properties.alt === 'string' ? c.properties.alt : '';
      const text = ownText(c.children);
      return c.tagName === 'p' ? ` ${text} ` : text;
    })
    .join('');
}
