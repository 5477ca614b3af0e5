/**
 * rehype plugin: gives the footnotes section a visible heading and back-link
 * labels in the article's language.
 */
import type { Root } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

const LABELS: Readonly<Record<string, { heading: string; back: string }>> = {
  zh: { heading: '注释', back: '返回正文' },
  ja: { heading: '注', back: '本文に戻る' },
  ko: { heading: '주석', back: '본문으로' },
  en: { heading: 'Notes', back: 'Back to text' },
};

export function footnoteLabels(lang: string | undefined): { heading: string; back: string } {
  return LABELS[(lang ?? 'en').toLowerCase().split('-')[0]!] ?? LABELS.en!;
}

export default function rehypeFootnoteLabels() {
  return (tree: Root, file: VFile): undefined => {
    const labels = footnoteLabels(file.data.lang);
    visit(tree, 'element', (node) => {
      if (node.tagName === 'h2' && node.properties.id === 'footnote-label') {
        node.children = [{ type: 'text', value: labels.heading }];
        node.properties.className = ['footnotes-title'];
      } else if (node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined) {
        node.properties.ariaLabel = labels.back;
      }
    });
  };
}
