/**
 * rehype plugin: links to other articles (`[see](other.md#part)`) are marked
 * with the target's slug for each output to resolve; links to Markdown files
 * that are not in the book are reported and unlinked.
 */
import type { Root } from 'hast';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { decodeSafe, isInside } from '../paths.ts';
import { fragmentFor } from '../urls.ts';

const MARKDOWN = /\.(md|markdown)$/i;

export default function rehypeArticleLinks() {
  return (tree: Root, file: VFile): undefined => {
    const book = file.data.book;
    if (!book || !file.path) return;
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'a') return;
      const href = node.properties.href;
      if (typeof href !== 'string') return;
      // Fragments stay as the addresses plugin wrote them (`#活字`, `#a%20b`): valid, and matching heading ids in every output.
      if (href.startsWith('#')) return;
      if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(href)) return;
      const [rawPath = '', ...rest] = href.split('#');
      const fragment = decodeSafe(rest.join('#'));
      const decoded = decodeSafe(rawPath.split('?')[0]!);
      if (!decoded) return;
      const target = path.resolve(path.dirname(file.path), decoded);
      const rel = path.relative(book.root, target).split(path.sep).join('/');
      const article = isInside(book.root, target) ? book.articles.get(rel) : undefined;
      if (article) {
        node.properties.href = `${article.slug}.html${fragment ? '#' + fragmentFor(fragment) : ''}`;
        node.properties.dataArticleRef = article.slug;
        if (fragment) node.properties.dataArticleFragment = fragment;
        return;
      }
      if (MARKDOWN.test(decoded)) {
        file.message(`Unexpected link to \`${href}\`: no article of this book is at that path; the link text is kept without the link`, {
          place: node.position,
          ruleId: 'link-missing',
          source: 'links',
        });
      } else {
        file.message(`Unexpected link to the local file \`${href}\`: only links to other articles (.md) and to web addresses work in every output; the link text is kept without the link`, {
          place: node.position,
          ruleId: 'link-local-file',
          source: 'links',
        });
      }
      node.tagName = 'span';
      node.properties = { className: ['broken-link'] };
    });
  };
}
