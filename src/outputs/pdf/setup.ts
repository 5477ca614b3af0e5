/** Page setups from the book config (`pdf.book`, `pdf.article`), in CSS and in points. */
import type { BookConfig } from '../../config.ts';
import { sizeLengths, toPoints } from './sizes.ts';

/** A page setup: size and margins (the book's has its bleed and marks too). */
export type PageSetup = BookConfig['pdf']['article'];

export { toPoints } from './sizes.ts';

export function marginsInPoints(setup: PageSetup): { top: number; bottom: number; inner: number; outer: number } {
  const m = setup.margins;
  return { top: toPoints(m.top), bottom: toPoints(m.bottom), inner: toPoints(m.inner), outer: toPoints(m.outer) };
}

/** Whether two setups print alike, so that one print can serve both the book and the article's own PDF. */
export function sameSetup(a: PageSetup, b: PageSetup): boolean {
  return a.size === b.size && a.margins.top === b.margins.top && a.margins.bottom === b.margins.bottom && a.margins.inner === b.margins.inner && a.margins.outer === b.margins.outer;
}

/** Width and height of the page, as CSS lengths. */
export function pageSize(setup: PageSetup): { width: string; height: string } {
  return sizeLengths(setup.size);
}

/** Body text size: smaller on small pages. */
export function baseFontSize(setup: PageSetup): string {
  return toPoints(pageSize(setup).width) < 440 ? '10pt' : '11pt';
}

/** Width of the text column (page width less the inner and outer margins), in CSS pixels. */
export function textWidth(setup: PageSetup): number {
  const m = marginsInPoints(setup);
  return ((toPoints(pageSize(setup).width) - m.inner - m.outer) * 96) / 72;
}
