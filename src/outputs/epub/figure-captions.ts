/**
 * rehype plugin: a remote image shown as a placeholder (its alt text and its
 * link) in a figure whose caption is that alt text (the figures plugin's
 * default) would say the same thing twice, so the placeholder keeps only its
 * link. Runs before anything else changes the figure's text; a number
 * written before the caption (图 2, Figure 2:) is not part of its words.
 */
import type { Element, Root } from 'hast';
import { classList } from './class-list.ts';
import { visitElements } from './walk.ts';

export default function rehypeEpubFigureCaptions() {
  return (tree: Root): undefined => {
    visitElements(tree, (node) => {
      if (node.tagName === 'figure') dropRepeatedAlt(node);
    });
  };
}

function dropRepeatedAlt(figure: Element): void {
  const caption = figure.children.find((c): c is Element => c.type === 'element' && c.tagName === 'figcaption');
  if (!caption) return;
  const captionText = wordsOf(caption);
  const strip = (parent: Element) => {
    for (const child of parent.children) {
      if (child.type !== 'element') continue;
      if (child.tagName === 'span' && classList(child).includes('remote-image')) {
        child.children = child.children.filter((c) => !(c.type === 'element' && classList(c).includes('remote-image-alt') && text(c) === captionText));
        const first = child.children[0];
        if (first?.type === 'text' && !first.value.trim()) child.children.shift();
      } else if (child.tagName !== 'figcaption') {
        strip(child);
      }
    }
  };
  strip(figure);
}

/** A caption's own words: without the number the build wrote before them ("图 2" and its separator, src/markdown/labels.ts). */
function wordsOf(caption: Element): string {
  const at = caption.children.findIndex((c) => c.type === 'element' && classList(c).includes('caption-label'));
  if (at < 0) return text(caption);
  const rest = text({ ...caption, children: caption.children.filter((_, i) => i !== at) });
  // The separator (templates/labels.yaml caption_separator: "　", ": ") may have been joined to the words.
  return rest.replace(/^[\s:：.．。、·-]+/u, '');
}

function text(node: Element): string {
  return node.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? text(c) : '')).join('').trim();
}
