/**
 * The cover wrap (`<name>-cover.pdf`): back cover, spine and front cover on
 * one sheet with bleed all round, for a paperback. Its width is two covers,
 * the spine and the bleed on both sides; the spine's width is the interior's
 * page count times the thickness of a page of the paper (`print.paper`).
 * Laid out by templates/print/cover.liquid and css/cover-wrap.css, printed
 * by Chromium like every other page, and measured first: text must keep to
 * the safe areas and out of the barcode area.
 */
import path from 'node:path';
import { bookEditors, PAPERS } from '../../config.ts';
import { bookView, formatNames } from '../../templates.ts';
import type { OutputContext } from '../types.ts';
import { PdfAssembler } from './assemble.ts';
import { printLabels } from './documents.ts';
import { pdfDate, type Run } from './jobs.ts';
import { cachedPrinter } from './print-cache.ts';
import { realFontNames } from './print-fonts.ts';
import { bleedOf, pt } from './print-pages.ts';
import { PRINT_ORIGIN, type Measured, type PrintJob, type PxBox } from './printer.ts';
import { pageSize } from './setup.ts';
import { toPoints } from './sizes.ts';

/** A spine gets its text from this many pages on (KDP: more than 79). */
export const SPINE_TEXT_PAGES = 80;
const IN = 72;
/** How far text keeps from the trim and the folds: a quarter inch; on the spine, a sixteenth on each side. */
const SAFE = 0.25 * IN;
const SPINE_SAFE = 0.0625 * IN;
/** KDP's barcode area: 2 × 1.2 in, a quarter inch from the trim's foot and from the spine. */
export const BARCODE = { width: 2 * IN, height: 1.2 * IN, inset: 0.25 * IN };

/** The wrap's sizes in points. */
export interface WrapGeometry {
  /** One cover as cut. */
  trim: { width: number; height: number };
  bleed: number;
  spine: number;
  /** The whole sheet: 2 × trim width + spine + 2 × bleed, and trim height + 2 × bleed. */
  width: number;
  height: number;
  spineText: boolean;
  pages: number;
  /** The paper's name (or its thickness as written) and the thickness of a page. */
  paper: string;
  perPage: number;
}

/** The thickness of a page of `paper` (`white`, `cream`, or a length), in points. */
export function pageThickness(paper: string): number {
  return toPoints((PAPERS as Record<string, string>)[paper] ?? paper);
}

export function wrapGeometry(ctx: OutputContext, pages: number): WrapGeometry {
  const config = ctx.book.config;
  const size = pageSize(config.pdf.book);
  const trim = { width: toPoints(size.width), height: toPoints(size.height) };
  const bleed = bleedOf(config.pdf.book);
  const paper = config.print?.paper ?? 'white';
  const perPage = pageThickness(paper);
  const spine = pages * perPage;
  return { trim, bleed, spine, width: 2 * trim.width + spine + 2 * bleed, height: trim.height + 2 * bleed, spineText: pages >= SPINE_TEXT_PAGES, pages, paper, perPage };
}

/** The safe areas of the three panels, and the barcode area, in CSS px of the sheet (top-left origin). */
export function wrapBoxes(g: WrapGeometry): { safe: PxBox[]; clear: PxBox[] } {
  const px = (n: number) => (n * 96) / 72;
  const box = (x: number, y: number, width: number, height: number): PxBox => ({ x: px(x), y: px(y), width: px(width), height: px(height) });
  const top = g.bleed + SAFE;
  const height = g.trim.height - 2 * SAFE;
  const spineLeft = g.bleed + g.trim.width;
  const frontLeft = spineLeft + g.spine;
  return {
    safe: [
      box(g.bleed + SAFE, top, g.trim.width - 2 * SAFE, height),
      box(spineLeft + SPINE_SAFE, top, Math.max(0, g.spine - 2 * SPINE_SAFE), height),
      box(frontLeft + SAFE, top, g.trim.width - 2 * SAFE, height),
    ],
    clear: [box(spineLeft - BARCODE.inset - BARCODE.width, g.bleed + g.trim.height - BARCODE.inset - BARCODE.height, BARCODE.width, BARCODE.height)],
  };
}

export interface CoverWrap {
  file: string;
  bytes: number;
  geometry: WrapGeometry;
  measured?: Measured;
}

/** Prints the cover wrap for an interior of `pages` pages. */
export async function printCoverWrap(ctx: OutputContext, run: Run, pages: number): Promise<CoverWrap | undefined> {
  const { book, templates, diagnostics } = ctx;
  const config = book.config;
  const g = wrapGeometry(ctx, pages);
  const view = bookView(book);
  const labels = printLabels(templates.labels(view.lang), view.lang);
  let measured: Measured | undefined;
  const print = cachedPrinter(ctx, run, false, undefined, (_job, m) => (measured = m));
  const vars = [
    `--wrap-width: ${pt(g.width)}`,
    `--wrap-height: ${pt(g.height)}`,
    `--trim-width: ${pt(g.trim.width)}`,
    `--trim-height: ${pt(g.trim.height)}`,
    `--spine: ${pt(g.spine)}`,
    `--bleed: ${pt(g.bleed)}`,
    `--safe: ${pt(SAFE)}`,
    // print.css's cover fills its panel of the sheet.
    `--page-width: ${pt(g.trim.width + g.bleed)}`,
    `--page-height: ${pt(g.height)}`,
  ];
  const job: PrintJob = {
    body: await templates.render('print/cover', {
      book: view,
      labels,
      cover: run.cover ? `${PRINT_ORIGIN}/cover/${encodeURIComponent(path.basename(run.cover))}` : undefined,
      spineText: g.spineText,
    }),
    lang: view.lang,
    title: config.title,
    pageCss: [`:root { ${vars.join('; ')}; }`, `@page { size: ${pt(g.width)} ${pt(g.height)}; margin: 0; }`, await templates.read('css/cover-wrap.css')].join('\n'),
    outline: false,
    label: 'the cover wrap',
    measure: { boxes: wrapBoxes(g) },
  };
  let pdf: Uint8Array;
  try {
    pdf = await print(job);
  } catch (error) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    diagnostics.error('pdf-print', `Cannot print the cover wrap: ${(error as Error).message}`, { file: config.file });
    return undefined;
  }
  const name = `${config.output.name}-cover.pdf`;
  const asm = new PdfAssembler({
    file: path.join(ctx.outDir, name),
    mode: 'single',
    rightHandStarts: false,
    fontNames: realFontNames(),
    info: {
      title: `${config.title}: ${labels.cover}`,
      author: formatNames(bookEditors(config), config.lang ?? 'en') || undefined,
      subject: config.description,
      lang: config.lang ?? 'en',
      creator: 'anthology',
      created: pdfDate(),
    },
    links: () => undefined,
    print: { bleed: g.bleed, marks: false, sheet: { width: g.width, height: g.height } },
  });
  try {
    await asm.addPart(pdf, {});
    const result = asm.finish();
    return { file: name, bytes: result.bytes, geometry: g, measured };
  } catch (error) {
    asm.abandon();
    throw error;
  }
}
