/**
 * The print interior's pages: the trim size with its bleed, the inside
 * margin (gutter) the page count asks for, mirrored margins, and the page
 * rules of its print jobs.
 */
import type { BookConfig } from '../../config.ts';
import { cssString } from './documents.ts';
import { baseFontSize, marginsInPoints, pageSize } from './setup.ts';
import { inchSize, toPoints } from './sizes.ts';

export type BookSetup = BookConfig['pdf']['book'];

/** The geometry of the print interior's pages, in points. */
export interface PrintGeometry {
  /** The page as cut. */
  trim: { width: number; height: number };
  /** Bleed on every side, outside the trim. */
  bleed: number;
  /** Margins from the trim edge; `inner` with the gutter of the page count. */
  margins: { top: number; bottom: number; inner: number; outer: number };
  /** The gutter class's least inside margin, for the report. */
  gutter: number;
  marks: boolean;
}

const IN = 72;

/**
 * The least inside margin for a page count, as KDP asks for paperbacks:
 * 0.375 in up to 150 pages, 0.5 in to 300, 0.625 in to 500, 0.75 in to 700,
 * 0.875 in beyond.
 */
export function gutterFor(pages: number): number {
  const steps: [number, number][] = [
    [150, 0.375],
    [300, 0.5],
    [500, 0.625],
    [700, 0.75],
  ];
  for (const [upTo, inches] of steps) if (pages <= upTo) return inches * IN;
  return 0.875 * IN;
}

/** The bleed in points: as configured, else 3 mm (0.125 in for sizes in inches). */
export function bleedOf(setup: BookSetup): number {
  if (setup.bleed !== undefined) return toPoints(setup.bleed);
  return inchSize(setup.size) ? 0.125 * IN : toPoints('3mm');
}

/** The print interior's geometry for a book of `pages` pages. */
export function printGeometry(setup: BookSetup, pages: number): PrintGeometry {
  const size = pageSize(setup);
  const m = marginsInPoints(setup);
  const gutter = gutterFor(pages);
  return {
    trim: { width: toPoints(size.width), height: toPoints(size.height) },
    bleed: bleedOf(setup),
    margins: { ...m, inner: Math.max(m.inner, gutter) },
    gutter,
    marks: setup.marks === 'crop',
  };
}

/** A length in points for CSS, exactly enough. */
export const pt = (n: number): string => `${Number(n.toFixed(3))}pt`;

/** `@page` rules of an article in the print interior: the sheet with its bleed, mirrored margins from the trim, running heads. */
export function printPageRules(setup: BookSetup, g: PrintGeometry, heads: { left: string; right: string }, css: string): string {
  const b = g.bleed;
  const m = g.margins;
  return [
    printVariables(setup, g),
    `@page { size: ${pt(g.trim.width + 2 * b)} ${pt(g.trim.height + 2 * b)}; margin: ${pt(m.top + b)} ${pt(m.outer + b)} ${pt(m.bottom + b)} ${pt(m.inner + b)}; }`,
    `@page :right { margin-left: ${pt(m.inner + b)}; margin-right: ${pt(m.outer + b)}; @top-center { content: ${cssString(heads.right)}; } }`,
    `@page :left { margin-left: ${pt(m.outer + b)}; margin-right: ${pt(m.inner + b)}; @top-center { content: ${cssString(heads.left)}; } }`,
    `@page :first { @top-center { content: none; } }`,
    css,
  ].join('\n');
}

/** Page rules of the print interior's front matter (title page, imprint, contents): no running heads. */
export function printFrontPageRules(setup: BookSetup, g: PrintGeometry, css: string): string {
  const b = g.bleed;
  const m = g.margins;
  return [
    printVariables(setup, g),
    `@page { size: ${pt(g.trim.width + 2 * b)} ${pt(g.trim.height + 2 * b)}; margin: ${pt(m.top + b)} ${pt(m.outer + b)} ${pt(m.bottom + b)} ${pt(m.inner + b)}; }`,
    `@page :right { margin-left: ${pt(m.inner + b)}; margin-right: ${pt(m.outer + b)}; }`,
    `@page :left { margin-left: ${pt(m.outer + b)}; margin-right: ${pt(m.inner + b)}; }`,
    css,
  ].join('\n');
}

/** print.css's page variables, for a sheet with bleed: the page is the whole sheet (a full-bleed image fills it), the text block as cut. */
function printVariables(setup: BookSetup, g: PrintGeometry): string {
  const b = g.bleed;
  return `:root { --page-width: ${pt(g.trim.width + 2 * b)}; --page-height: ${pt(g.trim.height + 2 * b)}; --page-body-height: ${pt(g.trim.height - g.margins.top - g.margins.bottom)}; --bleed: ${pt(b)}; font-size: ${baseFontSize(setup)}; }`;
}
