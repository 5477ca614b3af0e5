/**
 * Turns an article's tree into the tree one output needs: links between
 * articles and local images pointed at that output's files, remote images
 * kept or replaced by a placeholder, ids optionally prefixed so that many
 * articles can share one document. The article's own tree is never changed.
 */
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';

export interface ResolveOptions {
  /** Where a link to another article (and a fragment in it) points. */
  articleHref: (slug: string, fragment?: string) => string;
  /** Where a local asset is found, by its output name (`images/x-hash.png`). */
  assetHref: (name: string) => string;
  /** `keep`: the site, online readers; `placeholder`: print and EPUB, offline. */
  remoteImages: 'keep' | 'placeholder';
  /** Placeholder text for an image without alt text. */
  imageLabel?: string;
  /** Prefix for every id of the article and every `#fragment` link inside it. */
  idPrefix?: string;
}

export function resolveTree(tree: Root, options: ResolveOptions): Root {
  const copy = structuredClone(tree);
  const prefix = options.idPrefix ?? '';
  visit(copy, 'element', (node, index, parent) => {
    const p = node.properties;
    if (prefix && typeof p.id === 'string') p.id = prefix + p.id;
    if (prefix) {
      for (const key of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
        const ids = p[key];
        if (Array.isArray(ids)) p[key] = ids.map((id) => prefix + String(id));
      }
      // A diagram's arrowheads: markers are found by id (src/diagrams/).
      for (const key of ['markerStart', 'markerMid', 'markerEnd'] as const) {
        const ref = p[key];
        if (typeof ref === 'string') p[key] = ref.replace(/url\(#/g, `url(#${prefix}`);
      }
    }
    if (node.tagName === 'a') {
      if (typeof p.dataArticleRef === 'string') {
        const fragment = typeof p.dataArticleFragment === 'string' ? p.dataArticleFragment : undefined;
        p.href = options.articleHref(p.dataArticleRef, fragment);
        delete p.dataArticleRef;
        delete p.dataArticleFragment;
      } else if (prefix && typeof p.href === 'string' && p.href.startsWith('#')) {
        p.href = '#' + prefix + p.href.slice(1);
      }
      if (typeof p.href === 'string' && /^https?:/i.test(p.href)) p.rel = ['noopener'];
    }
    if (node.tagName === 'img') {
      if (typeof p.dataAsset === 'string') {
        p.src = options.assetHref(p.dataAsset);
        delete p.dataAsset;
        p.loading = 'lazy';
        p.decoding = 'async';
      } else if (typeof p.dataRemoteSrc === 'string') {
        const src = p.dataRemoteSrc;
        delete p.dataRemoteSrc;
        if (options.remoteImages === 'keep') {
          p.src = src;
          p.loading = 'lazy';
          p.decoding = 'async';
          p.referrerPolicy = 'no-referrer';
        } else if (parent && index !== undefined) {
          parent.children[index] = placeholder(node, src, options.imageLabel ?? 'Image');
        }
      }
    }
  });
  return copy;
}

function placeholder(img: Element, src: string, label: string): ElementContent {
  const alt = typeof img.properties.alt === 'string' && img.properties.alt.trim() ? img.properties.alt.trim() : label;
  return h('span.remote-image', [h('span.remote-image-alt', alt), ' ', h('a.remote-image-url', { href: src }, src)]);
}
