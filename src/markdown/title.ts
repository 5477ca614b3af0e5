/**
 * remark plugin: takes the first `# ` heading as the article's title and
 * removes it from the body (also when it repeats the front matter's title).
 */
import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';

export default function remarkTitle() {
  return (tree: Root, file: VFile): undefined => {
    const index = tree.children.findIndex((node) => node.type !== 'html' && node.type !== 'definition');
    const first = tree.children[index];
    if (!first || first.type !== 'heading' || first.depth !== 1) return;
    const text = toString(first).trim();
    const fm = file.data.frontMatterTitle;
    if (fm === undefined) {
      file.data.headingTitle = text;
      tree.children.splice(index, 1);
    } else if (normalize(fm) === normalize(text)) {
      tree.children.splice(index, 1);
    }
  };
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
