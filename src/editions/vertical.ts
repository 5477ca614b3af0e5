/**
 * Vertical writing (`writing: vertical`): what the text itself needs to be
 * set in columns from right to left. The stylesheets do the rest
 * (templates/css/vertical.css: `writing-mode: vertical-rl`, code, tables
 * and math kept horizontal; the PDF's and EPUB's page progression from
 * right to left is theirs: src/outputs/pdf/documents.ts, assemble.ts,
 * templates/epub/package.liquid).
 *
 * Here: tate-chu-yoko. A number of one or two digits stands upright across
 * the column, as one character (`<span class="tcy">12</span>`, which the
 * stylesheet sets `text-combine-upright: all`); longer numbers and Latin
 * words are left to `text-orientation: mixed`, which sets them sideways.
 */
import type { Element, ElementContent, Root } from 'hast';
import type { Article, Book } from '../types.ts';

/** Elements that stay horizontal (vertical.css), or whose text is not prose. */
const SKIP = new Set(['pre', 'code', 'kbd', 'samp', 'var', 'script', 'style', 'svg', 'math', 'table', 'textarea']);

/**
 * One or two ASCII digits that are a whole number: not part of a longer
 * number, a decimal, a Latin word (`16GB`), a percentage or an address.
 * Chinese and Japanese characters around it are what it stands among (`12月`).
 */
const SHORT_NUMBER = /(?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\d_.,:/\-+#])\d{1,2}(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\d_/%\-\u2013]|[.,:]\d)/gu;

/** A copy of `tree` with every short number of its prose wrapped for tate-chu-yoko. */
export function uprightNumbers(tree: Root): Root {
  const walk = <T extends Root | Element>(node: T): T => {
    let changed = false;
    const children: ElementContent[] = [];
    for (const child of node.children as ElementContent[]) {
      if (child.type === 'element') {
        const latin = typeof child.properties.lang === 'string' && !/^(zh|ja|ko)\b/i.test(child.properties.lang);
        const skip = SKIP.has(child.tagName) || latin || String(child.properties.className ?? '').split(/[\s,]+/).some((c) => c === 'tcy' || c.startsWith('math'));
        const next = skip ? child : walk(child);
        changed ||= next !== child;
        children.push(next);
        continue;
      }
      if (child.type !== 'text' || !/\d/.test(child.value)) {
        children.push(child);
        continue;
      }
      let last = 0;
      for (const m of child.value.matchAll(SHORT_NUMBER)) {
        if (m.index > last) children.push({ type: 'text', value: child.value.slice(last, m.index) });
        children.push({ type: 'element', tagName: 'span', properties: { className: ['tcy'] }, children: [{ type: 'text', value: m[0] }] });
        last = m.index + m[0].length;
        changed = true;
      }
      if (last === 0) children.push(child);
      else if (last < child.value.length) children.push({ type: 'text', value: child.value.slice(last) });
    }
    return changed ? ({ ...node, children } as T) : node;
  };
  return walk(tree);
}

/** The book set vertically: the same articles, their short numbers upright. Horizontal books are returned as they are. */
export function verticalBook(book: Book): Book {
  if (book.config.writing !== 'vertical') return book;
  const articles = book.articles.map((a): Article => ({ ...a, tree: uprightNumbers(a.tree), hash: `${a.hash}:vertical` }));
  return { ...book, articles };
}
