/**
 * The print report: the checks a printer makes before printing, made on the
 * print edition itself: every image's resolution at the size it is printed,
 * fonts embedded and none of Type 3, text inside the safe areas, margins,
 * the page count, the spine. Problems are diagnostics too (an image under
 * 150 dpi, text outside the safe area, a font not embedded: warnings, so
 * errors under --strict); the report, `<name>-print-report.txt`, lists it all.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFArray, PDFDict, PDFName, type PDFContext, PDFRawStream, PDFRef } from 'pdf-lib';
import type { OutputContext } from '../types.ts';
import { BARCODE, type CoverWrap, SPINE_TEXT_PAGES } from './cover-wrap.ts';
import { getName, lookup, parsePdf } from './pdf-file.ts';
import type { PrintInterior } from './print-interior.ts';
import { PDFX_VERSION } from './pdfx.ts';
import { PRINT_ORIGIN, type Measured } from './printer.ts';
import { inchSize } from './sizes.ts';

/** Below this an image is reported; below `LOW` it is a warning. */
export const GOOD_DPI = 300;
export const LOW_DPI = 150;
/** The least margins from the trim KDP asks for outside the gutter: 0.375 in with bleed, 0.25 in without. */
const MIN_MARGIN = { bleed: 0.375 * 72, none: 0.25 * 72 };

export interface ImageRow {
  /** The image as the editor knows it (relative to the book), and where it is used. */
  image: string;
  where: string;
  file?: string;
  pixels: [number, number];
  /** Printed size in points. */
  printed: [number, number];
  dpi: number;
}

export interface FontRow {
  name: string;
  type: string;
  embedded: boolean;
  /** Pages (1-based) that use it. */
  pages: number[];
}

export interface PrintReport {
  text: string;
  /** One line for the build summary. */
  summary: string;
  images: ImageRow[];
  fonts: (FontRow & { file: string })[];
}

export async function printReport(ctx: OutputContext, interior: PrintInterior, wrap: CoverWrap | undefined): Promise<PrintReport> {
  const { book, diagnostics } = ctx;
  const config = book.config;
  const inches = inchSize(config.pdf.book.size);
  const len = (p: number) => (inches ? `${fmt(p / 72, 3)} in` : `${fmt((p * 25.4) / 72, 1)} mm`);
  const both = (p: number) => `${fmt(p / 72, 3)} in (${fmt((p * 25.4) / 72, 2)} mm)`;
  const g = interior.geometry;
  const lines: string[] = [`Print report: ${config.title} (${config.output.name})`, ''];

  // Pages and margins.
  lines.push(
    `Interior   ${interior.file}: ${interior.pages} pages${interior.padded ? ' (a blank page added at the end: a printer binds sheets, so the count is even)' : ''}`,
    `           trim ${len(g.trim.width)} × ${len(g.trim.height)}, bleed ${len(g.bleed)}${g.marks ? ', crop marks outside the bleed' : ''}; every page has its TrimBox and BleedBox`,
    `           margins from the trim: top ${len(g.margins.top)}, bottom ${len(g.margins.bottom)}, outside ${len(g.margins.outer)}, inside ${len(g.margins.inner)} (the gutter for ${interior.pages} pages is at least ${fmt(g.gutter / 72, 3)} in); printed in ${interior.passes === 1 ? 'one pass' : `${interior.passes} passes (the page count moved the gutter)`}`,
  );
  const least = g.bleed > 0 ? MIN_MARGIN.bleed : MIN_MARGIN.none;
  const thin = (['top', 'bottom', 'outer'] as const).filter((k) => g.margins[k] < least - 0.01);
  if (thin.length) {
    const message = `The ${thin.map((k) => (k === 'outer' ? 'outside' : k)).join(', ')} margin${thin.length > 1 ? 's are' : ' is'} under ${fmt(least / 72, 3)} in, the least printers ask for${g.bleed > 0 ? ' with bleed' : ''}: text may be trimmed off; widen \`pdf.book.margins\``;
    diagnostics.warn('print-margins', message, { file: config.file });
    lines.push(`  warning  ${message}`);
  }

  // The cover and its spine.
  if (wrap) {
    const w = wrap.geometry;
    lines.push(
      '',
      `Cover      ${wrap.file}: ${both(w.width)} × ${both(w.height)}`,
      `           = 2 × ${len(w.trim.width)} (back and front) + ${len(w.spine)} (spine) + 2 × ${len(w.bleed)} (bleed); barcode area ${fmt(BARCODE.width / 72, 2)} × ${fmt(BARCODE.height / 72, 2)} in kept clear at the foot of the back, by the spine`,
      `Spine      ${both(w.spine)}: ${w.pages} pages × ${fmt(w.perPage / 72, 6)} in (${w.paper} paper); ${w.spineText ? 'title and editors on the spine' : `no text on the spine (it gets its text from ${SPINE_TEXT_PAGES} pages on)`}`,
    );
  }

  // Images at the size they are printed.
  const images = imageRows(ctx, interior, wrap);
  lines.push('', `Images     ${images.length ? `${images.length} printed; lowest ${Math.min(...images.map((i) => i.dpi))} dpi` : 'none'}`);
  for (const row of images) {
    const mark = row.dpi >= GOOD_DPI ? 'ok     ' : row.dpi >= LOW_DPI ? 'low    ' : 'too low';
    lines.push(`  ${mark} ${row.dpi} dpi  ${row.image} (${row.where}): ${row.pixels[0]} × ${row.pixels[1]} px printed at ${len(row.printed[0])} × ${len(row.printed[1])}`);
    if (row.dpi < LOW_DPI) {
      diagnostics.warn('print-image-resolution', `The image ${row.image} prints at ${row.dpi} dpi (${row.pixels[0]} × ${row.pixels[1]} px at ${len(row.printed[0])} wide): it will look blurred; printers ask for ${GOOD_DPI} dpi. Use a larger image, or show it smaller`, { file: row.file });
    }
  }

  // Fonts of both files.
  const fonts = [
    ...(await fontRows(path.join(ctx.outDir, interior.file))).map((f) => ({ ...f, file: interior.file })),
    ...(wrap ? await fontRows(path.join(ctx.outDir, wrap.file)) : []).map((f) => ({ ...f, file: wrap!.file })),
  ];
  const unique = [...new Map(fonts.map((f) => [`${f.name} ${f.type} ${f.embedded}`, f])).values()];
  const bad = fonts.filter((f) => !f.embedded || f.type === 'Type3');
  lines.push('', `Fonts      ${unique.length} fonts, ${bad.length ? `${bad.length} not embedded or of Type 3` : 'all embedded, none of Type 3'}`);
  for (const f of bad) {
    const where = `${f.file}${f.pages.length ? `, page${f.pages.length > 1 ? 's' : ''} ${f.pages.slice(0, 10).join(', ')}${f.pages.length > 10 ? ', …' : ''}` : ''}`;
    const message = `A font on ${where} is ${f.type === 'Type3' ? 'of Type 3 (drawn shapes, which printers may refuse or print badly)' : `not embedded (${f.name})`}: text the book's fonts lack (in an article, or in an SVG image) was set in a font of this machine (see [font-missing])`;
    diagnostics.warn('print-fonts', message, { file: config.file });
    lines.push(`  warning  ${message}`);
  }

  // What sticks out of the text column or the cover's safe areas.
  const outside = [...interior.measured.map((m) => ({ ...m, where: m.label })), ...(wrap?.measured ? [{ file: config.file, label: 'the cover wrap', where: 'the cover wrap', measured: wrap.measured }] : [])].flatMap((m) =>
    m.measured.outside.map((o) => ({ ...o, file: m.file, where: m.where })),
  );
  lines.push('', `Safe area  ${outside.length ? `${outside.length} element${outside.length > 1 ? 's' : ''} outside` : 'all text inside the text column and the cover\'s safe areas, the barcode area clear'}`);
  for (const o of outside) {
    const what = `<${o.tag}>${o.text ? ` "${o.text}"` : ''}`;
    const message =
      o.kind === 'cut'
        ? `A code block in ${o.where} has lines ${o.by} px wider than the page (${what}): their ends are cut off in print; break the long lines`
        : o.kind === 'outside'
          ? `${what} in ${o.where} sticks out of the text column by ${o.by} px, into the margin or off the page`
          : o.kind === 'clear'
            ? `Text of the cover wrap runs into the barcode area (${what}): shorten \`description\``
            : `Text of the cover wrap is outside the safe area (${what}): it may be trimmed off`;
    diagnostics.warn('print-safe-area', message, { file: o.file, line: o.line });
    lines.push(`  warning  ${message}`);
  }

  lines.push(
    '',
    `PDF/X     both files are prepared for ${PDFX_VERSION} as this tool knows its rules (an sRGB output intent with its ICC profile, XMP metadata, Trapped, TrimBox and BleedBox on every page, fonts embedded, no encryption, no links),`,
    `           but not marked as ${PDFX_VERSION}: no PDF/X validator has checked them. Your printer's preflight (or Acrobat Pro's) verifies and marks them.`,
  );

  const low = images.filter((i) => i.dpi < GOOD_DPI).length;
  const summary = [
    `${interior.pages} pages, trim ${len(g.trim.width)} × ${len(g.trim.height)}, bleed ${len(g.bleed)}, gutter ${len(g.margins.inner)}`,
    wrap ? `cover ${len(wrap.geometry.width)} × ${len(wrap.geometry.height)}, spine ${len(wrap.geometry.spine)} (${wrap.geometry.paper})` : 'no cover',
    images.length ? `${images.length} images${low ? `, ${low} under ${GOOD_DPI} dpi` : `, all ${GOOD_DPI} dpi or more`}` : 'no images',
    bad.length ? `${bad.length} fonts not embedded or Type 3` : 'fonts embedded',
    outside.length ? `${outside.length} outside the safe area` : 'safe area kept',
  ].join('; ');
  return { text: lines.join('\n') + '\n', summary, images, fonts };
}

function fmt(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** Every image of the print edition, once per place it is printed, with its resolution there. */
function imageRows(ctx: OutputContext, interior: PrintInterior, wrap: CoverWrap | undefined): ImageRow[] {
  const { book } = ctx;
  const config = book.config;
  const byName = new Map([...book.assets.values()].map((a) => [a.name, a]));
  const docs = [...interior.measured, ...(wrap?.measured ? [{ file: config.file, label: 'the cover wrap', measured: wrap.measured }] : [])];
  const rows: ImageRow[] = [];
  for (const doc of docs) {
    for (const img of doc.measured.images) {
      const src = img.src.startsWith(`${PRINT_ORIGIN}/`) ? decodeURIComponent(img.src.slice(PRINT_ORIGIN.length + 1)) : img.src;
      const name = src.replace(/^bleed\//, '');
      const asset = byName.get(name);
      // A drawing (SVG) is printed as lines and text: it has no resolution.
      if (asset?.mediaType === 'image/svg+xml' || /\.svg$/i.test(name)) continue;
      const image = asset ? path.relative(book.root, asset.source) : src.startsWith('cover/') && config.cover ? config.cover : src;
      // CSS px are 1/96 in; the printed size in points.
      const printed: [number, number] = [(img.shownWidth * 72) / 96, (img.shownHeight * 72) / 96];
      const dpi = Math.round(img.naturalWidth / (printed[0] / 72));
      rows.push({ image, where: doc.label, file: doc.file, pixels: [img.naturalWidth, img.naturalHeight], printed, dpi });
    }
  }
  return rows.sort((a, b) => a.dpi - b.dpi);
}

/** The fonts of a PDF: name, type, and whether the file carries the font program. */
export async function fontRows(file: string): Promise<FontRow[]> {
  const ctx = await parsePdf(await readFile(file));
  const usedOn = fontPages(ctx);
  const rows: FontRow[] = [];
  for (const [objRef, obj] of ctx.enumerateIndirectObjects()) {
    const pages = usedOn.get(objRef.objectNumber) ?? [];
    if (!(obj instanceof PDFDict) || getName(obj, 'Type') !== 'Font') continue;
    const subtype = getName(obj, 'Subtype') ?? '?';
    if (subtype === 'CIDFontType0' || subtype === 'CIDFontType2') continue; // seen through their Type0 font
    const name = getName(obj, 'BaseFont') ?? '(unnamed)';
    if (subtype === 'Type3') {
      rows.push({ name, type: 'Type3', embedded: true, pages });
      continue;
    }
    let descriptor = lookup(ctx, obj.get(PDFName.of('FontDescriptor')));
    let type = subtype;
    if (subtype === 'Type0') {
      const kids = lookup(ctx, obj.get(PDFName.of('DescendantFonts')));
      const cid = kids instanceof PDFArray ? lookup(ctx, kids.get(0)) : undefined;
      if (cid instanceof PDFDict) {
        descriptor = lookup(ctx, cid.get(PDFName.of('FontDescriptor')));
        type = `Type0/${getName(cid, 'Subtype') ?? '?'}`;
      }
    }
    rows.push({ name, type, embedded: embedded(ctx, descriptor), pages });
  }
  return rows;
}

/** The pages (1-based) each font is used on, through the pages' resources and the forms on them, by object number. */
function fontPages(ctx: PDFContext): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const catalog = lookup(ctx, ctx.trailerInfo.Root);
  const pages: PDFDict[] = [];
  const walk = (node: unknown): void => {
    if (!(node instanceof PDFDict)) return;
    if (getName(node, 'Type') === 'Page') return void pages.push(node);
    const kids = lookup(ctx, node.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray) for (const k of kids.asArray()) walk(lookup(ctx, k));
  };
  if (catalog instanceof PDFDict) walk(lookup(ctx, catalog.get(PDFName.of('Pages'))));
  pages.forEach((page, i) => {
    const seen = new Set<unknown>();
    const visit = (resources: unknown): void => {
      const res = resources instanceof PDFRef ? lookup(ctx, resources) : resources;
      if (!(res instanceof PDFDict) || seen.has(res)) return;
      seen.add(res);
      const fonts = lookup(ctx, res.get(PDFName.of('Font')));
      if (fonts instanceof PDFDict) {
        for (const v of fonts.values()) {
          if (!(v instanceof PDFRef)) continue;
          const list = out.get(v.objectNumber) ?? [];
          if (list[list.length - 1] !== i + 1) list.push(i + 1);
          out.set(v.objectNumber, list);
        }
      }
      const xobjects = lookup(ctx, res.get(PDFName.of('XObject')));
      if (xobjects instanceof PDFDict) {
        for (const v of xobjects.values()) {
          const x = lookup(ctx, v);
          if (x instanceof PDFRawStream) visit(x.dict.get(PDFName.of('Resources')));
        }
      }
    };
    visit(page.get(PDFName.of('Resources')));
  });
  return out;
}

function embedded(ctx: PDFContext, descriptor: unknown): boolean {
  if (!(descriptor instanceof PDFDict)) return false;
  return ['FontFile', 'FontFile2', 'FontFile3'].some((k) => {
    const v = descriptor.get(PDFName.of(k));
    return v instanceof PDFRef && lookup(ctx, v) !== undefined;
  });
}
