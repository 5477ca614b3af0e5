/**
 * rehype plugin: blocks left inside an extracted article that are page
 * furniture as a whole (a "分享到：微信 微博" bar, "责任编辑：…", "Advertisement",
 * a "Related stories" list of links), and a byline or date line repeated at
 * the top of the text (it is in the front matter), are left out. A block is
 * only removed when all of its text is furniture, never a sentence in it.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { EXIT, SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { isFurniture, isRelatedMarker, parseCredits, parseDateLine, parseSourceLine, splitNames } from '../lines.ts';
import { collapseWhitespace } from './whitespace.ts';

const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'div', 'section', 'header', 'footer', 'aside', 'dt', 'dd', 'span', 'small']);
const LEADING_BLOCKS = 4;
/** Elements that start a block of their own: a block holding one is not a single line. */
const BLOCK_LEVEL = new Set([...BLOCKS, 'article', 'main', 'nav', 'blockquote', 'figure', 'figcaption', 'table', 'ul', 'ol', 'dl', 'pre', 'hr', 'img', 'picture', 'video', 'address', 'details', 'form']);

export default function rehypeImportFurniture() {
  return (tree: Root, file: VFile): undefined => {
    const dropped = (file.data.importDropped ??= []);
    const authors = file.data.importAuthors ?? [];

    // A byline or date line at the very top repeats the front matter.
    let seen = 0;
    visit(tree, 'element', (node, index, parent) => {
      if (seen >= LEADING_BLOCKS) return EXIT;
      if (!parent || index === undefined) return undefined;
      if (!isLeafBlock(node)) return undefined;
      const text = collapseWhitespace(toString(node));
      if (!text) return SKIP;
      seen++;
      if (node.tagName !== 'li' && isMetaLine(text, authors)) {
        dropped.push(text);
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      return SKIP;
    });

    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined || !BLOCKS.has(node.tagName)) return undefined;
      const text = collapseWhitespace(toString(node));
      if (!text) return undefined;
      if (isFurniture(text)) {
        dropped.push(text);
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      if (isRelatedMarker(text) && (/^h[1-6]$/.test(node.tagName) || node.tagName === 'p')) {
        // The marker and the lists of links after it.
        let end = index + 1;
        const lists: Element[] = [];
        for (; end < parent.children.length; end++) {
          const next = parent.children[end]!;
          if (next.type === 'text' && !next.value.trim()) continue;
          if (next.type === 'element' && (next.tagName === 'ul' || next.tagName === 'ol') && isListOfLinks(next)) lists.push(next);
          else break;
        }
        if (lists.length) {
          dropped.push(text, ...lists.map((l) => collapseWhitespace(toString(l))));
          parent.children.splice(index, end - index);
          return [SKIP, index];
        }
      }
      return undefined;
    });
  };
}

/** A block without blocks inside: its text is one line of the page. */
function isLeafBlock(node: Element): boolean {
  if (!BLOCKS.has(node.tagName) || node.tagName === 'span' || node.tagName === 'small') return false;
  return !node.children.some((c) => c.type === 'element' && BLOCK_LEVEL.has(c.tagName) && c.tagName !== 'span' && c.tagName !== 'small');
}

/** `2024年5月1日 · 顾青禾、程一苇 · 阅读约 6 分钟`, `By Jane Doe`, `来源：城南晚报`. */
function isMetaLine(text: string, authors: string[]): boolean {
  if (text.length > 120) return false;
  const parts = text.split(/\s*[·•|｜]\s*/).filter(Boolean);
  return parts.every(
    (part) =>
      parseDateLine(part) !== undefined ||
      parseCredits(part) !== undefined ||
      parseSourceLine(part)?.kind === 'source' ||
      /^(?:(?:阅读|閱讀)(?:约|約|大约|大約)?|约|約)?\s*\d+\s*(?:分钟|分鐘)(?:阅读|閱讀)?$/.test(part) ||
      /^\d+\s*min(?:ute)?s?(?: read)?$/i.test(part) ||
      (authors.length > 0 && splitNames(part).every((n) => authors.includes(n))),
  );
}

function isListOfLinks(list: Element): boolean {
  const items = list.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'li');
  return (
    items.length > 0 &&
    items.every((li) => {
      const links: string[] = [];
      visit(li, 'element', (n) => {
        if (n.tagName === 'a') links.push(toString(n));
      });
      return links.length > 0 && collapseWhitespace(links.join('')) === collapseWhitespace(toString(li));
    })
  );
}

