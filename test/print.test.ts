/**
 * The print edition (`--print`), on real builds: the sample book as a
 * 6 × 9 in paperback on white paper and as an A5 one on cream paper, and a
 * fixture with a cover image, a full-bleed image and crop marks. What a
 * printer reads is asserted: page sizes and boxes, the cover wrap's width
 * (two covers, the spine for the page count and paper, the bleed), the
 * inside margin on the first and last pages, full-bleed pixels, fonts,
 * links, the PDF/X entries and the report. Skipped, with the reason, when
 * there is no browser or no poppler/qpdf.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser/find.ts';
import { build, type BuildResult } from '../src/build.ts';
import { parseConfig } from '../src/config.ts';
import { pageThickness, SPINE_TEXT_PAGES } from '../src/outputs/pdf/cover-wrap.ts';
import { cropMarks, pageBoxes } from '../src/outputs/pdf/print-marks.ts';
import { gutterFor } from '../src/outputs/pdf/print-pages.ts';
import { marginsForSize } from '../src/outputs/pdf/sizes.ts';
import { FIXTURES } from './helpers/build.ts';
import { links, missingPdfTools, pageTexts, pdfFonts, pdfInfo, qpdfCheck } from './helpers/pdf-tools.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const browser = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const skip = !browser ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')} (apt-get install poppler-utils qpdf)` : '';
if (skip) console.warn(`Print tests skipped: ${skip}`);

const IN = 72;
const MM = 72 / 25.4;

type Box = [number, number, number, number];
interface PageBoxes {
  media: Box;
  bleed: Box;
  trim: Box;
}

/** Every page's boxes, as pdfinfo reads them. */
function boxes(file: string): PageBoxes[] {
  const pages = Number(pdfInfo(file).Pages);
  const out = execFileSync('pdfinfo', ['-box', '-f', '1', '-l', String(pages), file], { encoding: 'utf8' });
  const list: PageBoxes[] = [];
  for (const m of out.matchAll(/^Page\s+(\d+) (MediaBox|BleedBox|TrimBox):\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/gm)) {
    const i = Number(m[1]) - 1;
    list[i] ??= {} as PageBoxes;
    const key = m[2] === 'MediaBox' ? 'media' : m[2] === 'BleedBox' ? 'bleed' : 'trim';
    list[i]![key] = [Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  }
  return list;
}

interface Word {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** The words of each page with their boxes, in points from the media box's top left (pdftotext -bbox). */
function words(file: string): Word[][] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return html.split('<page ').slice(1).map((page) =>
    [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      x0: Number(m[1]),
      y0: Number(m[2]),
      x1: Number(m[3]),
      y1: Number(m[4]),
      text: m[5]!,
    })),
  );
}

/**
 * The body text of a page (between the running head and the page number)
 * measured from the trim: how far its left and right edges are from the
 * trim's, and its number of lines.
 */
function textColumn(page: Word[], b: PageBoxes, margins: { top: number; bottom: number }): { left: number; right: number; lines: number } | undefined {
  const trimLeft = b.trim[0] - b.media[0];
  const trimRight = b.trim[2] - b.media[0];
  const trimTop = b.media[3] - b.trim[3];
  const trimBottom = b.media[3] - b.trim[1];
  const body = page.filter((w) => w.y0 > trimTop + margins.top - 3 && w.y1 < trimBottom - margins.bottom + 3);
  if (!body.length) return undefined;
  return {
    left: Math.min(...body.map((w) => w.x0)) - trimLeft,
    // The edge most lines end at: a justified line's last mark, set half-width at the line's end, is measured
    // by pdftotext at its full width and seems to overhang by half an em.
    right: trimRight - mostCommon(body.map((w) => w.x1)),
    lines: new Set(body.map((w) => Math.round(w.y0))).size,
  };
}

/** The value (to a tenth of a point) that most of `values` share. */
function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(Math.round(v * 10) / 10, (counts.get(Math.round(v * 10) / 10) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

async function pdfCatalog(file: string) {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  return { doc, catalog: doc.catalog };
}

const close = (a: number, b: number, tolerance = 0.05) => Math.abs(a - b) <= tolerance;

describe('print edition units', () => {
  it('asks for the gutter KDP asks for at each page count', () => {
    expect([24, 150, 151, 300, 301, 500, 501, 700, 701, 828].map((n) => gutterFor(n) / IN)).toEqual([0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875, 0.875]);
  });

  it('keeps the default margins of the default sizes and scales them for others', () => {
    const a5 = { top: '18mm', bottom: '20mm', inner: '20mm', outer: '16mm' };
    expect(marginsForSize('A5', 'A5', a5)).toBe(a5);
    // 6 × 9 in is 152.4 × 228.6 mm: the sides scale by 152.4/148, top and bottom by 228.6/210.
    expect(marginsForSize('6x9in', 'A5', a5)).toEqual({ top: '19.6mm', bottom: '21.8mm', inner: '20.6mm', outer: '16.5mm' });
  });

  it('reads the trim-size presets, a custom size, the bleed, the marks and the paper from the config', () => {
    const { config, diagnostics } = parseConfig('pdf:\n  book: { size: B5-JIS, bleed: 0.125in, marks: crop }\n  article: { size: 5.5x8.5in }\nprint:\n  paper: cream\n', '/book/book.config.yaml');
    expect(diagnostics).toEqual([]);
    expect(config!.pdf.book).toMatchObject({ size: 'B5-JIS', bleed: '0.125in', marks: 'crop' });
    expect(config!.pdf.book.margins.inner).toBe(`${Math.round(((20 * 182) / 148) * 10) / 10}mm`);
    expect(config!.print).toEqual({ enabled: true, paper: 'cream' });
    const bad = parseConfig('pdf:\n  book: { size: B6 }\n', '/book/book.config.yaml');
    expect(bad.config).toBeUndefined();
    expect(bad.diagnostics[0]).toMatchObject({ line: 2, rule: 'config-invalid' });
    expect(bad.diagnostics[0]!.message).toContain('6x9in');
  });

  it('sizes the spine by the paper: KDP white 0.002252 in, cream 0.0025 in a page', () => {
    expect(pageThickness('white') * 300).toBeCloseTo(0.6756 * IN, 6);
    expect(pageThickness('cream') * 300).toBeCloseTo(0.75 * IN, 6);
    expect(pageThickness('0.003in')).toBeCloseTo(0.003 * IN, 9);
    expect(SPINE_TEXT_PAGES).toBe(80);
  });

  it('puts the trim a bleed inside the sheet, and crop marks outside the bleed', () => {
    const b = pageBoxes([0, 0, 450, 666], 9, true);
    expect(b.trim).toEqual([9, 9, 441, 657]);
    expect(b.bleed).toEqual([0, 0, 450, 666]);
    // Every mark's end lies outside the bleed box and inside the media box.
    const points = [...cropMarks(b.trim, 9).matchAll(/([-\d.]+) ([-\d.]+) [ml]/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(points).toHaveLength(16);
    for (const [x, y] of points) {
      expect(x < 0 || x > 450 || y < 0 || y > 666, `${x} ${y}`).toBe(true);
      expect(x >= b.media[0] && x <= b.media[2] && y >= b.media[1] && y <= b.media[3]).toBe(true);
    }
  });
});

/** Builds the sample book's PDFs with its config changed by `extra` (YAML appended under `pdf:`/`print:`). */
async function buildSample(tmp: string, book: string, paper: string): Promise<{ result: BuildResult; out: string }> {
  const sample = await readFile(path.join(ROOT, 'book.config.yaml'), 'utf8');
  const dir = await mkdtemp(path.join(tmp, 'sample-'));
  await writeFile(path.join(dir, 'book.config.yaml'), `${sample}\narticles: ${JSON.stringify(path.join(ROOT, 'articles'))}\npdf:\n  book: ${book}\nprint:\n  paper: ${paper}\n`);
  const out = path.join(dir, 'dist');
  const result = await build({ cwd: dir, config: path.join(dir, 'book.config.yaml'), out, formats: ['pdf'], cache: false });
  return { result, out };
}

describe.skipIf(skip)('the sample book printed for a print-on-demand service', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-print-'));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  for (const edition of [
    { name: '6 × 9 in on white paper', book: '{ size: 6x9in }', paper: 'white', trim: [6 * IN, 9 * IN], bleed: 0.125 * IN, perPage: 0.002252 * IN },
    { name: 'A5 on cream paper', book: '{ size: A5 }', paper: 'cream', trim: [148 * MM, 210 * MM], bleed: 3 * MM, perPage: 0.0025 * IN },
  ]) {
    it(`${edition.name}: an interior with trim and bleed on every page, mirrored gutters, and a cover wrap of two covers, the spine and the bleed`, async () => {
      const { result, out } = await buildSample(tmp, edition.book, edition.paper);
      expect(result.diagnostics.errors).toEqual([]);
      const name = 'paper-and-screen';
      const interior = path.join(out, `${name}-print.pdf`);
      const cover = path.join(out, `${name}-cover.pdf`);
      const [tw, th] = edition.trim as [number, number];
      const b = edition.bleed;

      // The interior: every page the trim size, with its bleed all round; an even count; no cover.
      const pages = boxes(interior);
      const count = pages.length;
      expect(count % 2).toBe(0);
      expect(result.files.find((f) => f.path === `${name}-print.pdf`)?.pages).toBe(count);
      for (const [i, p] of pages.entries()) {
        const near = (box: Box, want: Box) => box.every((n, k) => close(n, want[k]!, 0.01));
        expect(near(p.bleed, [0, 0, tw + 2 * b, th + 2 * b]), `page ${i + 1}: bleed ${p.bleed}`).toBe(true);
        expect(near(p.trim, [b, b, b + tw, b + th]), `page ${i + 1}: trim ${p.trim}`).toBe(true);
        expect(p.media).toEqual(p.bleed);
      }
      const texts = pageTexts(interior);
      expect(texts[0]).toContain('纸与屏');
      expect(texts[0]).not.toContain('2025年6月1日'); // the cover's date line: the cover is the wrap's
      // The screen PDF keeps its pages as they were: no bleed, and links.
      const screen = boxes(path.join(out, `${name}.pdf`));
      expect(screen[0]!.trim).toEqual(screen[0]!.media);
      expect((await links(path.join(out, `${name}.pdf`))).length).toBeGreaterThan(0);
      expect(await links(interior)).toEqual([]);

      // The gutter: on the first page of text (a right-hand page) the text starts the inside margin from the
      // trim's left edge; on the last left-hand page of text it ends the inside margin from the trim's right.
      const config = (await import('../src/config.ts')).parseConfig(`pdf:\n  book: ${edition.book}\n`, '/x/book.config.yaml').config!;
      const m = config.pdf.book.margins;
      const toPt = (await import('../src/outputs/pdf/sizes.ts')).toPoints;
      const inner = Math.max(toPt(m.inner), gutterFor(count));
      const margins = { top: toPt(m.top), bottom: toPt(m.bottom) };
      const all = words(interior);
      const columns = all.map((w, i) => textColumn(w, pages[i]!, margins));
      // Pages of running text (not the centred title page): eight lines or more.
      const first = columns.findIndex((c, i) => c && i % 2 === 0 && c.lines >= 8);
      let last = -1;
      columns.forEach((c, i) => {
        if (c && i % 2 === 1 && c.lines >= 8) last = i;
      });
      expect(first).toBeGreaterThanOrEqual(0);
      expect(last).toBeGreaterThan(first);
      expect(columns[first]!.left, `page ${first + 1}, right-hand`).toBeGreaterThan(inner - 1);
      expect(columns[first]!.left, `page ${first + 1}, right-hand`).toBeLessThan(inner + 1);
      expect(columns[last]!.right, `page ${last + 1}, left-hand`).toBeGreaterThan(inner - 1.5);
      expect(columns[last]!.right, `page ${last + 1}, left-hand`).toBeLessThan(inner + 1.5);

      // The cover wrap: 2 × trim + spine (pages × paper) + 2 × bleed wide, the trim high with its bleed.
      const [wrap] = boxes(cover);
      const spine = count * edition.perPage;
      expect(boxes(cover)).toHaveLength(1);
      expect(close(wrap!.media[2] - wrap!.media[0], 2 * tw + spine + 2 * b, 0.01)).toBe(true);
      expect(close(wrap!.media[3] - wrap!.media[1], th + 2 * b, 0.01)).toBe(true);
      expect(wrap!.trim.map((n) => Number(n.toFixed(2)))).toEqual([b, b, b + 2 * tw + spine, b + th].map((n) => Number(n.toFixed(2))));
      // The sample has fewer than 80 pages: nothing on the spine; the back has the description, the front the title.
      const coverText = pageTexts(cover)[0]!.replace(/\s+/g, '');
      expect(coverText).toContain('七篇关于文字如何从纸走到屏幕的文章');
      expect(coverText.match(/纸与屏/g)!.length).toBe(count >= SPINE_TEXT_PAGES ? 4 : 3); // back title, front title, publisher…
      for (const file of [interior, cover]) {
        expect(qpdfCheck(file).ok).toBe(true);
        expect(pdfFonts(file).filter((f) => !f.embedded)).toEqual([]);
      }
      const report = await readFile(path.join(out, `${name}-print-report.txt`), 'utf8');
      expect(report).toContain(`${count} pages`);
      expect(report).toContain(`(${edition.paper} paper)`);
    }, 600_000);
  }
});

describe.skipIf(skip)('a print edition with a cover image, a full-bleed image and crop marks', () => {
  let tmp: string;
  let result: BuildResult;
  let out: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-print-fixture-'));
    out = path.join(tmp, 'dist');
    result = await build({ cwd: path.join(FIXTURES, 'print-book'), out, formats: ['pdf'], cache: false });
  }, 300_000);
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const file = (name: string) => path.join(out, name);

  it('writes the interior, the cover wrap and the report beside the screen PDF', () => {
    expect(result.diagnostics.errors).toEqual([]);
    expect(result.files.map((f) => f.path).filter((p) => p.startsWith('print-book')).sort()).toEqual(['print-book-cover.pdf', 'print-book-print-report.txt', 'print-book-print.pdf', 'print-book.pdf']);
    expect(result.files.find((f) => f.path.endsWith('report.txt'))?.summary).toMatch(/^\d+ pages, trim 6 in × 9 in, bleed 0.125 in/);
  });

  it('grows the media box for crop marks outside the bleed, and keeps the inside margin the page count asks for', () => {
    for (const p of boxes(file('print-book-print.pdf'))) {
      expect(p.trim).toEqual([9, 9, 441, 657]);
      expect(p.bleed).toEqual([0, 0, 450, 666]);
      expect(p.media[0]).toBeLessThan(-8.5); // 3 mm beyond the bleed at least, and the marks' length
      expect(p.media[2]).toBeGreaterThan(458.5);
    }
    // inner: 8mm in the config, less than the 0.375 in a book this short needs.
    const report = readFileSync(file('print-book-print-report.txt'), 'utf8');
    expect(report).toMatch(/inside 0.375 in \(the gutter for \d+ pages is at least 0.375 in\)/);
  });

  it('prints a full-bleed image over the whole sheet, to the edges of the bleed', () => {
    const texts = pageTexts(file('print-book-print.pdf'));
    const page = texts.findIndex((t) => t.includes('雾还没有散')) + 1;
    expect(page).toBeGreaterThan(0);
    // At 18 dpi (a quarter point to a pixel), the corner of the bleed, outside the trim.
    const pixel = (n: number, x: number, y: number) => {
      const ppm = execFileSync('pdftoppm', ['-r', '18', '-f', String(n), '-l', String(n), file('print-book-print.pdf')]);
      const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 40))!;
      const width = Number(header[1]);
      const at = header[0].length + (y * width + x) * 3;
      return [...ppm.subarray(at, at + 3)];
    };
    // The media box starts 20 pt outside the bleed box: the bleed's corner is at 20–29 pt, pixels 5–7.25.
    const corner = pixel(page, 6, 6);
    expect(corner.every((c) => c > 240), `bleed corner ${corner}`).toBe(false);
    expect(pixel(page - 1, 6, 6).every((c) => c > 240)).toBe(true);
    // It is printed at 144 dpi on a 6.25 in sheet: under 150, a warning (an error with --strict).
    expect(result.diagnostics.items.filter((d) => d.rule === 'print-image-resolution').map((d) => [path.basename(d.file!), d.severity])).toEqual([['01-harbour.md', 'warning']]);
    const report = readFileSync(file('print-book-print-report.txt'), 'utf8');
    expect(report).toMatch(/too low 144 dpi {2}images\/harbour\.bleed\.png/);
  });

  it('sets links in the colour of the text and leaves no link annotations', async () => {
    expect(await links(file('print-book-print.pdf'))).toEqual([]);
    expect((await links(file('print-book.pdf'))).some((l) => l.target !== undefined || l.uri !== undefined)).toBe(true);
  });

  it('writes what PDF/X-4 asks at the top level (version 1.6, an sRGB output intent, XMP, Trapped) but no PDF/X mark nobody checked; the screen PDF has none', async () => {
    for (const name of ['print-book-print.pdf', 'print-book-cover.pdf']) {
      const bytes = readFileSync(file(name));
      expect(bytes.toString('latin1', 0, 8)).toBe('%PDF-1.6');
      const info = pdfInfo(file(name));
      expect(info['PDF subtype']).toBeUndefined();
      expect(info.Encrypted).toBe('no');
      const { doc, catalog } = await pdfCatalog(file(name));
      const intents = catalog.lookup(PDFName.of('OutputIntents'));
      const intent = (intents as unknown as { lookup(i: number, t: typeof PDFDict): PDFDict }).lookup(0, PDFDict);
      expect(intent.get(PDFName.of('S'))).toBe(PDFName.of('GTS_PDFX'));
      const profile = intent.lookup(PDFName.of('DestOutputProfile'));
      expect(profile).toBeInstanceOf(PDFRawStream);
      expect((profile as PDFRawStream).dict.get(PDFName.of('N'))?.toString()).toBe('3');
      const metadata = catalog.lookup(PDFName.of('Metadata')) as PDFRawStream;
      const xmp = Buffer.from(metadata.contents).toString('utf8');
      expect(xmp).not.toContain('GTS_PDFXVersion');
      expect(bytes.includes('GTS_PDFXVersion')).toBe(false);
      expect(xmp).toContain('<pdf:Trapped>False</pdf:Trapped>');
      const infoDict = doc.context.lookup(doc.context.trailerInfo.Info) as PDFDict;
      expect(infoDict.get(PDFName.of('Trapped'))).toBe(PDFName.of('False'));
    }
    expect(readFileSync(file('print-book.pdf')).toString('latin1', 0, 8)).toBe('%PDF-1.7');
    expect(pdfInfo(file('print-book.pdf'))['PDF subtype']).toBeUndefined();
  });

  it('makes the cover wrap from the cover image, into the bleed, with the barcode area clear', () => {
    const [wrap] = boxes(file('print-book-cover.pdf'));
    const report = readFileSync(file('print-book-print-report.txt'), 'utf8');
    const pages = Number(/print-book-print\.pdf: (\d+) pages/.exec(report)![1]);
    expect(close(wrap!.media[2], 2 * 432 + pages * 0.002252 * IN + 18, 0.01)).toBe(true);
    expect(report).toContain('all text inside the text column and the cover\'s safe areas, the barcode area clear');
    expect(report).toMatch(/cover\.png \(the cover wrap\)/);
    // The cover image reaches the top right corner of the sheet (the bleed).
    const ppm = execFileSync('pdftoppm', ['-r', '18', file('print-book-cover.pdf')]);
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString('latin1', 0, 40))!;
    const width = Number(header[1]);
    const at = header[0].length + (1 * width + (width - 2)) * 3;
    expect([...ppm.subarray(at, at + 3)].every((c) => c > 235)).toBe(false);
    expect(pdfFonts(file('print-book-cover.pdf')).every((f) => f.embedded && f.type !== 'Type 3')).toBe(true);
  });
});
