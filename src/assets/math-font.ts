/**
 * The math font on the site: the whole Noto Sans Math (src/assets/fonts.ts),
 * copied and declared only for a book with math in it, so that a book
 * without formulas carries no extra megabyte.
 */
import type { Element, Root } from 'hast';
import path from 'node:path';
import type { Book } from '../types.ts';
import { MATH_FAMILY, wholeFaces } from './fonts.ts';

export function siteMathFont(book: Book, urlPrefix: string): { css: string; source: string; name: string } | undefined {
  if (!book.articles.some((a) => hasMath(a.tree))) return undefined;
  const face = wholeFaces().find((f) => f.family === MATH_FAMILY);
  if (!face) return undefined;
  const name = path.basename(face.source);
  const css = `@font-face{font-family:"${MATH_FAMILY}";font-style:normal;font-weight:400;font-display:swap;src:url("${urlPrefix}${name}") format("truetype");}`;
  return { css, source: face.source, name };
}

function hasMath(tree: Root): boolean {
  const stack: (Root | Element)[] = [tree];
  while (stack.length) {
    for (const c of stack.pop()!.children) {
      if (c.type !== 'element') continue;
      if (c.tagName === 'math') return true;
      stack.push(c);
    }
  }
  return false;
}
