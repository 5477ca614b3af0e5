/**
 * Writes the words the processor left to the build (`data-label`), in the
 * article's language from templates/labels.yaml: callout titles (注意,
 * Note), figure and table numbers in captions ("图 1　", "Table 2: ") and
 * the text of references to them ("图 1"). With `numbering: false` the
 * captions have no numbers and a reference reads as its target's caption.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Labels } from '../templates.ts';

export interface LabelOptions {
  labels: Labels;
  numbering: boolean;
}

export function writeLabels(tree: Root, { labels, numbering }: LabelOptions): void {
  const numbered = (kind: string, n: unknown) => (labels[kind] ?? `${kind} {n}`).replace('{n}', String(n));
  const byId = new Map<string, Element>();
  const walk = (parent: Root | Element, visit: (node: Element, parent: Root | Element) => void) => {
    for (const child of [...parent.children]) {
      if (child.type !== 'element') continue;
      visit(child, parent);
      walk(child, visit);
    }
  };
  walk(tree, (node) => {
    if (typeof node.properties.id === 'string') byId.set(node.properties.id, node);
  });
  // References first: without numbers they read as the caption, before its label is written.
  walk(tree, (node) => {
    const p = node.properties;
    if (node.tagName !== 'a' || typeof p.dataLabel !== 'string') return;
    const target = typeof p.href === 'string' ? byId.get(p.href.slice(1)) : undefined;
    const caption = target?.children.find((c): c is Element => c.type === 'element' && (c.tagName === 'figcaption' || c.tagName === 'caption'));
    const text = numbering || !caption ? numbered(p.dataLabel, p.dataNumber) : toString(caption).trim();
    node.children = [{ type: 'text', value: text }];
    delete p.dataLabel;
    delete p.dataNumber;
  });
  walk(tree, (node, parent) => {
    const p = node.properties;
    if (typeof p.dataLabel !== 'string') return;
    if (node.tagName === 'span') {
      const at = parent.children.indexOf(node as ElementContent);
      if (!numbering) {
        parent.children.splice(at, 1);
        return;
      }
      node.children = [{ type: 'text', value: numbered(p.dataLabel, p.dataNumber) }];
      parent.children.splice(at + 1, 0, { type: 'text', value: labels.caption_separator ?? ' ' });
    } else {
      node.children = [{ type: 'text', value: labels[p.dataLabel] ?? p.dataLabel }];
    }
    delete p.dataLabel;
    delete p.dataNumber;
  });
}
