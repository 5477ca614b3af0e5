/**
 * rehype plugin: every image of an imported page gets an absolute remote
 * address — the real one behind lazy loading (`data-src`, `srcset`,
 * `<picture>`) — or is left out with a warning; nothing is downloaded.
 */
import type { Element, Root } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { absoluteUrl, largestFromSrcset } from './urls.ts';

const LAZY = ['dataSrc', 'dataOriginal', 'dataLazySrc', 'dataOriginalSrc', 'dataActualsrc', 'dataUrl', 'dataHiSrc'];

export default function rehypeImportImages() {
  return (tree: Root, file: VFile): undefined => {
    const base = file.data.importBase;
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return;
      if (node.tagName === 'picture') {
        // <picture><source srcset><img></picture> → the <img>, with a source as fallback address.
        const img = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'img');
        const sources = node.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'source');
        if (!img) {
          parent.children.splice(index, 1);
          return [SKIP, index];
        }
        img.data = { ...img.data, sources: sources.map((s) => String(s.properties.srcSet ?? s.properties.srcset ?? '')) } as Element['data'];
        parent.children[index] = img;
        return [SKIP, index];
      }
      if (node.tagName !== 'img') return;
      const p = node.properties;
      const raw = typeof p.src === 'string' ? p.src : '';
      const width = Number(p.width);
      const height = Number(p.height);
      if (width === 1 && height === 1) {
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      const srcset = Array.isArray(p.srcSet) ? p.srcSet.join(', ') : typeof p.srcSet === 'string' ? p.srcSet : '';
      const extra = ((node.data as { sources?: string[] } | undefined)?.sources ?? []).map(largestFromSrcset);
      const candidates = [
        ...LAZY.map((k) => (typeof p[k] === 'string' ? (p[k] as string) : undefined)),
        /^data:/i.test(raw) ? undefined : raw,
        srcset ? largestFromSrcset(srcset) : undefined,
        ...extra,
      ];
      let src: string | undefined;
      for (const c of candidates) if (c && !src) src = absoluteUrl(c, base);
      if (!src) {
        const alt = typeof p.alt === 'string' && p.alt ? ` ("${p.alt}")` : '';
        file.message(
          `Left out the image \`${raw.slice(0, 100) || '(no address)'}\`${alt}: it has no absolute web address${base ? '' : ' and the page does not say its own address (no canonical link)'}; images are kept as remote addresses, never copied`,
          { ruleId: 'import-image', source: 'import' },
        );
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      node.properties = { src, alt: typeof p.alt === 'string' ? p.alt.trim() : '', ...(typeof p.title === 'string' && p.title.trim() ? { title: p.title.trim() } : {}) };
      delete node.data;
      return undefined;
    });
  };
}
