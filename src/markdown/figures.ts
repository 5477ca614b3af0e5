/**
 * rehype plugin: an image alone in its paragraph (optionally inside a link)
 * becomes a `<figure>` with a `<figcaption>` from its title, else its alt
 * text; an id written right after the image (`![…](a.png "…"){#fig:flow}`,
 * as in Pandoc) becomes the figure's, for references (numbering.ts).
 */
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';

export default function rehypeFigures() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'p' || !parent || index === undefined) return;
      const content = node.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
      const last = content[content.length - 1];
      const id = content.length === 2 && last?.type === 'text' ? ID_ATTRIBUTE.exec(last.value)?.[1] : undefined;
      if (id) content.pop();
      if (content.length !== 1) return;
      const only = content[0]!;
      const img = imageIn(only);
      if (!img) return;
      const title = stringProp(img.properties.title);
      const alt = stringProp(img.properties.alt);
      const caption = title || alt;
      if (title && title === alt) delete img.properties.title;
      const children: ElementContent[] = [only as ElementContent];
      if (caption) children.push(h('figcaption', caption));
      parent.children[index] = h('figure', id ? { id } : {}, children);
    });
  };
}

/** `{#fig:flow}`: an id in Pandoc's attribute syntax, alone. */
export const ID_ATTRIBUTE = /^\s*\{#([A-Za-z][\w:.-]*)\}\s*$/;

function imageIn(node: ElementContent): Element | undefined {
  if (node.type !== 'element') return undefined;
  if (node.tagName === 'img') return node;
  if (node.tagName === 'a') {
    const inner = node.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
    if (inner.length === 1 && inner[0]!.type === 'element' && inner[0]!.tagName === 'img') return inner[0];
  }
  return undefined;
}

function stringProp(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}
