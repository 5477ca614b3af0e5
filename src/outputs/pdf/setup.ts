/** Page setups from the book config (`pdf.book`, `pdf.article`), in CSS and in points. */
import type { BookConfig } from '../../config.ts';

export type PageSetup = BookConfig['pdf']['book'];

const POINTS: Record<string, number> = { mm: 72 / 25.4, cm: 72 / 2.54, in: 72, pt: 1, px: 0.75 };

/** A CSS length of the config (`18mm`, `0.75in`, `54pt`) in points. */
export function toPoints(length: string): number {
  const m = /^(\d+(?:\.\d+)?)(mm|cm|in|pt|px)$/.exec(length.trim());
  if (!m) throw new Error(`Unexpected length "${length}"`);
  return Number(m[1]) * POINTS[m[2]!]!;
}

export function marginsInPoints(setup: PageSetup): { top: number; bottom: number; inner: number; outer: number } {
  const m = setup.margins;
  return { top: toPoints(m.top), bottom: toPoints(m.bottom), inner: toPoints(m.inner), outer: toPoints(m.outer) };
}

/** Whether two setups print alike, so that one print can serve both the book and the article's own PDF. */
export function sameSetup(a: PageSetup, b: PageSetup): boolean {
  return a.size === b.size && a.margins.top === b.margins.top && a.margins.bottom === b.margins.bottom && a.margins.inner === b.margins.inner && a.margins.outer === b.margins.outer;
}

const SIZES: Record<string, [string, string]> = {
  A3: ['297mm', '420mm'],
  A4: ['210mm', '297mm'],
  A5: ['148mm', '210mm'],
  A6: ['105mm', '148mm'],
  B5: ['176mm', '250mm'],
  Letter: ['8.5in', '11in'],
  Legal: ['8.5in', '14in'],
};

/** Width and height of the page, as CSS lengths. */
export function pageSize(setup: PageSetup): { width: string; height: string } {
  const named = SIZES[setup.size];
  if (named) return { width: named[0], height: named[1] };
  const [width = '148mm', height = '210mm'] = setup.size.split(/\s+/);
  return { width, height };
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
