/**
 * rehype plugin: blocks left inside an extracted article that are page
 * furniture as a whole (a "分享到：微信 微博" bar, "责任编辑：…", "Advertisement",
 * a "Related stories" list of links), a byline, date line or view count at
 * the top of the text, and the bylines, reprint notice, original title and
 * prompts that close a clipped page, are left out; what those lines say
 * (names, publisher) goes on `file.data.importMeta` for the front matter.
 * A block is only removed when all of its text is furniture, never a
 * sentence in it, and the closing run stops at the first line of the article.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { EXIT, SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { isBareCount, isClosingLine, isFurniture, isRelatedMarker, parseCredits, parseDateLine, parseSourceLine, readMetaLine, splitNames } from '../lines.ts';
import { collapseWhitespace } from './whitespace.ts';

const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'div', 'section', 'header', 'footer', 'aside', 'dt', 'dd', 'span', 'small']);
const LEADING_BLOCKS = 4;
/** Elements that start a block of their own: a block holding one is not a single line. */
const BLOCK_LEVEL = new Set([...BLOCKS, 'article', 'main', 'nav', 'blockquote', 'figure', 'figcaption', 'table', 'ul', 'ol', 'dl', 'pre', 'hr', 'img', 'picture', 'video', 'address', 'details', 'form']);

export default function rehypeImportFurniture() {
  return (tree: Root, file: VFile): undefined => {
    const dropped = (file.data.importDropped ??= []);
    const authors = file.data.importAuthors ?? [];

    const read = (file.data.importMeta ??= []);
    /** A meta line (its facts kept for the front matter), a bare view count or furniture: left out. */
    const isClipping = (text: string) => {
      const meta = readMetaLine(text);
      if (meta) read.push(meta);
      return meta !== undefined || isBareCount(text) || isFurniture(text) || isMetaLine(text, authors);
    };

    // A byline, date line or view count at the very top repeats the front matter or is the page's.
    let seen = 0;
    visit(tree, 'element', (node, index, parent) => {
      if (seen >= LEADING_BLOCKS) return EXIT;
      if (!parent || index === undefined) return undefined;
      if (!isLeafBlock(node)) return undefined;
      const text = collapseWhitespace(toString(node));
      if (!text) return SKIP;
      seen++;
      if (node.tagName !== 'li' && isClipping(text)) {
        dropped.push(text);
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      return SKIP;
    });

    // What closes the article on a clipped page: a reprint notice, bylines, the original title, counts and prompts.
    const leaves: { node: Element; parent: Root | Element }[] = [];
    visit(tree, 'element', (node, _index, parent) => {
      if (!parent || !isLeafBlock(node)) return undefined;
      leaves.push({ node, parent: parent as Root | Element });
      return SKIP;
    });
    const closing: string[] = [];
    for (let k = leaves.length - 1; k >= 0; k--) {
      const { node, parent } = leaves[k]!;
      const text = collapseWhitespace(toString(node));
      if (!text) {
        if (hasMedia(node)) break;
        continue;
      }
      if (node.tagName === 'li' || !isClosingLine(text)) break;
      const meta = readMetaLine(text);
      if (meta) read.push(meta);
      closing.unshift(text);
      parent.children.splice(parent.children.indexOf(node), 1);
    }
    dropped.push(...closing);

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

function hasMedia(node: Element): boolean {
  let found = false;
  visit(node, 'element', (n) => {
    if (['img', 'picture', 'video', 'svg', 'table', 'pre'].includes(n.tagName)) found = true;
  });
  return found;
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

