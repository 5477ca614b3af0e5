/** Page sizes by name (the trim sizes of books and office paper), lengths in points, and margins scaled to a size. */

/** Named sizes, width and height as CSS lengths. `B5` is ISO (176 × 250 mm), `B5-JIS` the Japanese size (182 × 257 mm). */
export const PAGE_SIZES = {
  A3: ['297mm', '420mm'],
  A4: ['210mm', '297mm'],
  A5: ['148mm', '210mm'],
  A6: ['105mm', '148mm'],
  B5: ['176mm', '250mm'],
  'B5-JIS': ['182mm', '257mm'],
  Letter: ['8.5in', '11in'],
  Legal: ['8.5in', '14in'],
  '5x8in': ['5in', '8in'],
  '5.5x8.5in': ['5.5in', '8.5in'],
  '6x9in': ['6in', '9in'],
} as const satisfies Record<string, readonly [string, string]>;

export type PageSizeName = keyof typeof PAGE_SIZES;
export const PAGE_SIZE_NAMES = Object.keys(PAGE_SIZES) as PageSizeName[];

/** Names CSS `@page { size }` knows (the others are written as their width and height). */
export const CSS_PAGE_SIZES: ReadonlySet<string> = new Set(['A3', 'A4', 'A5', 'B5', 'Letter', 'Legal']);

const POINTS: Record<string, number> = { mm: 72 / 25.4, cm: 72 / 2.54, in: 72, pt: 1, px: 0.75 };

/** A CSS length of the config (`18mm`, `0.75in`, `54pt`, `0`) in points. */
export function toPoints(length: string): number {
  if (length.trim() === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)(mm|cm|in|pt|px)$/.exec(length.trim());
  if (!m) throw new Error(`Unexpected length "${length}"`);
  return Number(m[1]) * POINTS[m[2]!]!;
}

/** Width and height of a size (a name, or "WIDTH HEIGHT"), as CSS lengths. */
export function sizeLengths(size: string): { width: string; height: string } {
  const named = (PAGE_SIZES as Record<string, readonly [string, string]>)[size];
  if (named) return { width: named[0], height: named[1] };
  const [width = '148mm', height = '210mm'] = size.split(/\s+/);
  return { width, height };
}

/** Whether a size is measured in inches (US trim sizes): its bleed is then 0.125 in rather than 3 mm. */
export function inchSize(size: string): boolean {
  return /in$/.test(sizeLengths(size).width);
}

type Margins = { top: string; bottom: string; inner: string; outer: string };

/**
 * Margins that follow the size: `reference` belongs to `referenceSize`; for
 * another size, the side margins scale with the width and the top and
 * bottom with the height (in millimetres, to a tenth). The reference size
 * gets its margins exactly as written.
 */
export function marginsForSize(size: string, referenceSize: string, reference: Margins): Margins {
  if (size === referenceSize) return reference;
  const to = sizeLengths(size);
  const from = sizeLengths(referenceSize);
  const sx = toPoints(to.width) / toPoints(from.width);
  const sy = toPoints(to.height) / toPoints(from.height);
  const mm = (length: string, scale: number) => `${Math.round(((toPoints(length) * scale * 25.4) / 72) * 10) / 10}mm`;
  return { top: mm(reference.top, sy), bottom: mm(reference.bottom, sy), inner: mm(reference.inner, sx), outer: mm(reference.outer, sx) };
}
