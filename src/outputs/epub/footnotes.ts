/**
 * rehype plugin: GFM footnotes (from remark-rehype) become EPUB 3 notes: each
 * reference a `noteref`, each note an `<aside epub:type="footnote">`, which
 * reading systems show as a pop-up, starting with its number, which links
 * back to the (first) reference; the trailing `↩` links are dropped.
 */
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { visitElements } from './walk.ts';

export default function rehypeEpubFootnotes() {
  return (tree: Root): undefined => {
    visitElements(tree, (node, index, parent) => {
      const p = node.properties;
      if (node.tagName === 'section' && p.dataFootnotes !== undefined) {
        // The walk goes on into the notes: a note can refer to another.
        parent.children[index] = footnotesSection(node);
      } else if (node.tagName === 'a' && p.dataFootnoteRef !== undefined) {
        node.properties = { href: p.href, id: p.id, 'epub:type': 'noteref', role: 'doc-noteref', className: ['noteref'] };
      }
    });
  };
}

function footnotesSection(section: Element): Element {
  const out: ElementContent[] = [];
  let labelId: string | undefined;
  for (const child of section.children) {
    if (child.type !== 'element') continue;
    if (/^h[1-6]$/.test(child.tagName)) {
      labelId = typeof child.properties.id === 'string' ? child.properties.id : undefined;
      out.push({ ...child, properties: { ...child.properties, className: ['footnotes-title'] } });
    } else if (child.tagName === 'ol') {
      let number = typeof child.properties.start === 'number' ? child.properties.start : 1;
      for (const li of child.children) {
        if (li.type !== 'element' || li.tagName !== 'li') continue;
        out.push(footnote(li, number++));
      }
    } else {
      out.push(child);
    }
  }
  return h('section', { className: ['footnotes'], 'epub:type': 'footnotes', role: 'doc-endnotes', ariaLabelledBy: labelId }, out);
}

function footnote(li: Element, number: number): Element {
  let backHref: string | undefined;
  // Drop the back-links (and the space before them), remembering the first.
  const strip = (node: Element) => {
    node.children = node.children.filter((c) => {
      if (c.type === 'element' && c.tagName === 'a' && c.properties.dataFootnoteBackref !== undefined) {
        backHref ??= typeof c.properties.href === 'string' ? c.properties.href : undefined;
        return false;
      }
      return true;
    });
    for (const c of node.children) if (c.type === 'element') strip(c);
    const last = node.children[node.children.length - 1];
    if (last?.type === 'text') last.value = last.value.replace(/\s+$/, '');
  };
  strip(li);
  const label = backHref ? h('a.footnote-number', { href: backHref, role: 'doc-backlink' }, `${number}.`) : h('span.footnote-number', `${number}.`);
  const children = li.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  // The number goes at the start of the first paragraph, or before everything.
  const first = children[0];
  if (first?.type === 'element' && first.tagName === 'p') {
    first.children.unshift(label, { type: 'text', value: ' ' });
  } else {
    children.unshift(h('p', [label]));
  }
  return h('aside.footnote', { id: li.properties.id, 'epub:type': 'footnote', role: 'doc-footnote' }, children);
}
