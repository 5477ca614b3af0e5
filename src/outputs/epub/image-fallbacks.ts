/**
 * rehype plugin: an image the EPUB cannot show (no source, or a file it does
 * not carry) becomes its alt text, like a remote one, or the label in
 * `file.data.epubImageLabel`; the images it shows get their alt text trimmed
 * and are counted on `file.data.epubImages`, for the accessibility metadata.
 */
import type { Root } from 'hast';
import { h } from 'hastscript';
import type { VFile } from 'vfile';
import './data.ts';
import { visitElements } from './walk.ts';

/** What the source of an image of the resolved tree becomes when the EPUB does not carry the file. */
export const MISSING_IMAGE = 'anthology-missing-image:';

export default function rehypeEpubImageFallbacks() {
  return (tree: Root, file: VFile): undefined => {
    const label = file.data.epubImageLabel ?? 'Image';
    const images = { shown: 0, withoutAlt: 0 };
    visitElements(tree, (node, index, parent) => {
      if (node.tagName !== 'img') return;
      const src = node.properties.src;
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt.trim() : '';
      if (typeof src !== 'string' || src === '' || src.startsWith(MISSING_IMAGE)) {
        parent.children[index] = h('span.image-missing', alt || label);
        return;
      }
      images.shown++;
      if (!alt) images.withoutAlt++;
      node.properties.alt = alt;
    });
    file.data.epubImages = images;
  };
}
