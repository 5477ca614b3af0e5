/**
 * The page boxes of a print page and its crop marks: Chromium prints the
 * sheet with its bleed; the trim lies the bleed inside it, and crop marks,
 * when asked for, are drawn outside the bleed, in a media box grown to hold
 * them.
 */

export type Box = [number, number, number, number];

/** Points between the trim and a crop mark: at least 3 mm, and a point beyond the bleed so that no mark touches it. */
const MIN_OFFSET = (3 * 72) / 25.4;
/** Length of a crop mark: 6 mm. */
const LENGTH = (6 * 72) / 25.4;
/** Room beyond the end of a mark. */
const ROOM = 2;

export interface PageBoxes {
  media: Box;
  bleed: Box;
  trim: Box;
}

/** The boxes of a page printed as `sheet` (the trim with `bleed` all round), with room for crop marks when `marks`. */
export function pageBoxes(sheet: Box, bleed: number, marks: boolean): PageBoxes {
  const [x0, y0, x1, y1] = sheet;
  const trim: Box = [x0 + bleed, y0 + bleed, x1 - bleed, y1 - bleed];
  if (!marks) return { media: sheet, bleed: sheet, trim };
  const reach = markOffset(bleed) + LENGTH + ROOM;
  return { media: [trim[0] - reach, trim[1] - reach, trim[2] + reach, trim[3] + reach], bleed: sheet, trim };
}

function markOffset(bleed: number): number {
  return Math.max(bleed + 1, MIN_OFFSET);
}

/** Content that draws the crop marks of `trim` (in the page's default space), marked as a page artifact. */
export function cropMarks(trim: Box, bleed: number): string {
  const [x0, y0, x1, y1] = trim;
  const off = markOffset(bleed);
  const f = (n: number) => n.toFixed(3);
  const lines: string[] = [];
  for (const [x, sx] of [
    [x0, -1],
    [x1, 1],
  ] as const) {
    for (const [y, sy] of [
      [y0, -1],
      [y1, 1],
    ] as const) {
      // Across, level with the trim's horizontal edge; and up or down, in line with its vertical edge.
      lines.push(`${f(x + sx * off)} ${f(y)} m ${f(x + sx * (off + LENGTH))} ${f(y)} l`);
      lines.push(`${f(x)} ${f(y + sy * off)} m ${f(x)} ${f(y + sy * (off + LENGTH))} l`);
    }
  }
  return `/Artifact <</Type /Page>> BDC\nq\n0.25 w 0 0 0 RG\n${lines.join('\n')}\nS\nQ\nEMC\n`;
}

/** A box as PDF writes it. */
export function boxText(box: Box): string {
  return `[${box.map((n) => Number(n.toFixed(3))).join(' ')}]`;
}
