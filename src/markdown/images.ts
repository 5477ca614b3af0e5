/**
 * rehype plugin: local images are resolved inside the articles folder, hashed
 * and marked with their output name (`data-asset`); remote images are marked
 * (`data-remote-src`) so each output decides whether to keep or replace them.
 * An image that cannot be used is reported and replaced by its alt text.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { hashAsset, MEDIA_TYPES, resolveLocal } from '../assets/files.ts';
import { bombMessage, unusableImageMessage } from '../assets/inspect.ts';
import type { Asset } from '../types.ts';
import { decodeSafe } from '../paths.ts';

export default function rehypeImages() {
  return async (tree: Root, file: VFile): Promise<undefined> => {
    const book = file.data.book;
    const images: { node: Element; index: number; parent: Element | Root }[] = [];
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName === 'img' && parent && index !== undefined) images.push({ node, index, parent });
    });
    const assets = new Map<string, Asset>();
    let remote = 0;
    for (const { node, index, parent } of images) {
      const src = typeof node.properties.src === 'string' ? node.properties.src.trim() : '';
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt : '';
      const drop = (rule: string, reason: string) => {
        file.message(reason, { place: node.position, ruleId: rule, source: 'images' });
        parent.children[index] = h('span.image-missing', alt || src);
        // A figure captioned by that same alt text would say it twice.
        if (parent.type === 'element' && parent.tagName === 'figure') {
          parent.children = parent.children.filter((c) => !(c.type === 'element' && c.tagName === 'figcaption' && toString(c).trim() === (alt || src).trim()));
        }
      };
      if (/^(https?:)?\/\//i.test(src)) {
        node.properties.dataRemoteSrc = src.startsWith('//') ? 'https:' + src : src;
        remote++;
        continue;
      }
      if (!src) {
        drop('image-src', `Unexpected image without a usable address${alt ? ` ("${alt}")` : ''}: only files inside the articles folder and http(s) addresses are allowed`);
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(src)) {
        drop('image-src', `Unexpected image address \`${src.slice(0, 80)}\`: only files inside the articles folder and http(s) addresses are allowed`);
        continue;
      }
      if (!book || !file.path) continue;
      const ref = decodeSafe(src.split(/[?#]/)[0]!);
      const found = await resolveLocal(book.root, file.path, ref);
      if (!found.ok) {
        const why =
          found.reason === 'outside'
            ? `Unexpected image \`${src}\` outside the articles folder: it is not read; move the image into the articles folder`
            : found.reason === 'missing'
              ? `Missing image \`${src}\`: no file at ${found.file}`
              : `Unexpected image \`${src}\`: not a file`;
        drop(found.reason === 'outside' ? 'image-outside-root' : 'image-missing', why);
        continue;
      }
      const ext = /\.[^.]+$/.exec(found.file)?.[0]?.toLowerCase() ?? '';
      if (!MEDIA_TYPES[ext]) {
        drop('image-type', `Unexpected image type \`${ext || src}\`: expected one of ${Object.keys(MEDIA_TYPES).join(', ')}`);
        continue;
      }
      let pending = book.assets.get(found.file);
      if (!pending) {
        pending = hashAsset(found.file).catch((error: Error) => error);
        book.assets.set(found.file, pending);
      }
      const loaded = await pending;
      if (loaded instanceof Error) {
        drop('image-unreadable', `Cannot use image \`${src}\`: ${loaded.message}`);
        continue;
      }
      const { asset, removed, inspection } = loaded;
      if (!inspection.ok) {
        drop(inspection.rule, unusableImageMessage(src, alt, inspection));
        continue;
      }
      if (inspection.bomb) file.message(bombMessage(src, inspection.bomb), { place: node.position, ruleId: 'image-bomb', source: 'images' });
      if (removed.length) {
        file.message(`Unexpected active content in the SVG image \`${src}\` (${removed.join(', ')}): removed from every output`, {
          place: node.position,
          ruleId: 'svg-cleaned',
          source: 'images',
        });
      }
      assets.set(asset.name, asset);
      node.properties.src = asset.name;
      node.properties.dataAsset = asset.name;
    }
    file.data.assets = [...assets.values()];
    file.data.remoteImages = remote;
  };
}
