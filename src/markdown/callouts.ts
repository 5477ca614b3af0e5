/**
 * GitHub's alerts as callouts: `remarkCallouts` finds a block quote whose
 * first line is `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or
 * `[!CAUTION]` (alone on its line, as GitHub wants it), takes the marker out
 * and marks the quote (`data-callout`, which the sanitizer keeps); after
 * sanitizing, `rehypeCallouts` makes it an `<aside role="note">` with a
 * title, whose word (注意, Note…) the build writes in the article's language
 * (`data-label`, see src/markdown/labels.ts).
 */
import type { Element, Root } from 'hast';
import type { Blockquote, Root as MdastRoot } from 'mdast';
import { visit } from 'unist-util-visit';

export const CALLOUT_KINDS = ['note', 'tip', 'important', 'warning', 'caution'] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

const MARKER = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\r?\n|$)/i;

export function remarkCallouts() {
  return (tree: MdastRoot): undefined => {
    visit(tree, 'blockquote', (node: Blockquote) => {
      const first = node.children[0];
      if (first?.type !== 'paragraph') return;
      const text = first.children[0];
      if (text?.type !== 'text') return;
      const m = MARKER.exec(text.value);
      // The marker alone on its line: `[!NOTE] text` on one line is a plain quote, as on GitHub.
      if (!m) return;
      const alone = m[0].endsWith('\n') || first.children.length === 1 || first.children[1]!.type === 'break';
      if (!alone) return;
      text.value = text.value.slice(m[0].length);
      if (!text.value) first.children.shift();
      if (first.children[0]?.type === 'break') first.children.shift();
      if (first.children.length === 0) node.children.shift();
      node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), dataCallout: m[1]!.toLowerCase() } };
    });
  };
}

export function rehypeCallouts() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'blockquote') return;
      const kind = node.properties.dataCallout;
      if (typeof kind !== 'string' || !(CALLOUT_KINDS as readonly string[]).includes(kind)) return;
      node.tagName = 'aside';
      node.properties = { className: ['callout', `callout-${kind}`], role: 'note' };
      node.children.unshift({ type: 'element', tagName: 'p', properties: { className: ['callout-title'], dataLabel: kind }, children: [] }, { type: 'text', value: '\n' });
    });
  };
}
