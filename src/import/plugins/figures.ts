/**
 * rehype plugin: a figure's caption becomes its image's title, so that
 * `![alt](url "caption")` is captioned again by the build; an image followed
 * by a caption paragraph (`<p class="img-caption">`) is treated the same.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { h } from 'hastscript';
import { toString } from 'hast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { collapseWhitespace } from './whitespace.ts';

export default function rehypeImportFigures() {
  return (tree: Root): undefined => {
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return;
      if (node.tagName === 'figure') {
        const images = findAll(node, 'img');
        const captionNode = findAll(node, 'figcaption')[0];
        const caption = captionNode ? clean(toString(captionNode)) : '';
        if (captionNode) remove(node, captionNode);
        let replacement: ElementContent[];
        if (images.length === 1) {
          const img = images[0]!;
          if (caption) img.properties.title = caption;
          replacement = [h('p', [imageWithLink(node, img)])];
        } else if (images.length > 1) {
          replacement = [...images.map((img) => h('p', [imageWithLink(node, img)])), ...(caption ? [h('p', [h('em', caption)])] : [])];
        } else {
          // A figure of a table, a quotation or code: the content, then its caption.
          replacement = [...(node.children as ElementContent[]), ...(caption ? [h('p', [h('em', caption)])] : [])];
        }
        parent.children.splice(index, 1, ...replacement);
        return [SKIP, index + replacement.length];
      }
      // <p><img></p><p class="caption">…</p>
      if (isCaption(node) && index > 0) {
        const previous = previousElement(parent.children, index);
        const img = previous && loneImage(previous);
        const caption = clean(toString(node));
        if (img && caption && !img.properties.title) {
          img.properties.title = caption;
          parent.children.splice(index, 1);
          return [SKIP, index];
        }
      }
      return undefined;
    });
  };
}

function isCaption(node: Element): boolean {
  const tokens = classTokens(node);
  return tokens.includes('caption') || tokens.includes('figcaption') || tokens.includes('imgcaption');
}

export function classTokens(node: Element): string[] {
  const names = [...(Array.isArray(node.properties.className) ? node.properties.className : []), node.properties.id ?? ''].map(String);
  return names.flatMap((n) => n.toLowerCase().split(/[\s_-]+/)).filter(Boolean);
}

function previousElement(siblings: RootContent[] | ElementContent[], index: number): Element | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const s = siblings[i]!;
    if (s.type === 'text' && !s.value.trim()) continue;
    return s.type === 'element' ? s : undefined;
  }
  return undefined;
}

function loneImage(node: Element): Element | undefined {
  if (node.tagName === 'img') return node;
  if (clean(toString(node))) return undefined;
  const images = findAll(node, 'img');
  return images.length === 1 ? images[0] : undefined;
}

/** The image, inside its link if the figure linked it. */
function imageWithLink(figure: Element, img: Element): Element {
  let found: Element = img;
  visit(figure, 'element', (node) => {
    if (node.tagName === 'a' && node.children.some((c) => c === img)) found = { ...node, children: [img] };
  });
  return found;
}

function findAll(node: Element, tagName: string): Element[] {
  const found: Element[] = [];
  visit(node, 'element', (child) => {
    if (child !== node && child.tagName === tagName) found.push(child);
  });
  return found;
}

function remove(root: Element, target: Element): void {
  visit(root, 'element', (node, index, parent) => {
    if (node === target && parent && index !== undefined) {
      parent.children.splice(index, 1);
      return [SKIP, index];
    }
    return undefined;
  });
}

function clean(text: string): string {
  return collapseWhitespace(text);
}
