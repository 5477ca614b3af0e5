/**
 * The hand-written PDF writer (assemble.ts, pdf-file.ts, font-merge.ts,
 * ttf.ts, folio.ts) on two small Chromium prints checked in under
 * test/fixtures/pdf-parts (printed from the articles next to them with
 * `anthology build --shard 1/1`, A5): no browser needed. The results are
 * read back with pdf-lib, and with poppler and qpdf as readers' tools do.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LinkTarget, PdfAssembler } from '../src/outputs/pdf/assemble.ts';
import { FolioFont } from '../src/outputs/pdf/folio.ts';
import { FontMerger, parseToUnicode, toUnicodeCMap } from '../src/outputs/pdf/font-merge.ts';
import { destName, parseRefUrl } from '../src/outputs/pdf/links.ts';
import { parsePdf, PdfFileWriter, quickPageCount, streamBytes } from '../src/outputs/pdf/pdf-file.ts';
import { folioFontFile, realFontNames } from '../src/outputs/pdf/print-fonts.ts';
import { nameTable, readTtf, renameSfnt, TtfUnion } from '../src/outputs/pdf/ttf.ts';
import { FIXTURES } from './helpers/build.ts';
import { bookmarks, embeddedFontNames, pageTexts, pdfFonts, qpdfCheck } from './helpers/pdf-tools.ts';

const PARTS = path.join(FIXTURES, 'pdf-parts');
const chinese = readFileSync(path.join(PARTS, 'chinese-a5.pdf'));
const english = readFileSync(path.join(PARTS, 'english-a5.pdf'));
const SLUGS = ['01-chinese', '02-english'];

/** Links between the two articles, as the book resolves them (links.ts). */
const links = (uri: string): LinkTarget | undefined => {
  const ref = parseRefUrl(uri);
  if (!ref || !SLUGS.includes(ref.slug)) return undefined;
  const start = destName(`${ref.slug}:`);
  return { dest: ref.fragment ? destName(`${ref.slug}:${ref.fragment}`) : start, fallback: start };
};

/** The TrueType programs (FontFile2) of a print, with their BaseFont. */
async function fontPrograms(pdf: Uint8Array): Promise<{ name: string; bytes: Uint8Array }[]> {
  const ctx = await parsePdf(pdf);
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const [, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('FontDescriptor')) continue;
    const file = obj.get(PDFName.of('FontFile2'));
    const stream = file instanceof PDFRef ? ctx.lookup(file) : undefined;
    if (stream instanceof PDFRawStream) out.push({ name: String(obj.get(PDFName.of('FontName'))).slice(1), bytes: streamBytes(stream) });
  }
  return out;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-pdf-writer-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the checked-in prints', () => {
  it('are what Chromium prints: a page each, A5, with their own outline', () => {
    expect(quickPageCount(chinese)).toBe(1);
    expect(quickPageCount(english)).toBe(1);
    expect(pageTexts(path.join(PARTS, 'chinese-a5.pdf')).join('')).toContain('活字与纸');
  });
});

describe('ttf.ts', () => {
  it('reads a Chromium subset with its glyph ids kept, and joins two subsets of one font', async () => {
    const a = (await fontPrograms(chinese)).find((f) => /NotoSerifSC.*Regular/.test(f.name))!;
    const sub = readTtf(a.bytes);
    const drawn = sub.glyphs.filter((g) => g.length > 0).length;
    expect(drawn).toBeGreaterThan(10);
    // Glyph ids are the original font's: the array is as long as the font's glyph count, mostly empty.
    expect(sub.glyphs.length).toBeGreaterThan(drawn * 10);
    const union = new TtfUnion();
    expect(union.fits(sub)).toBe(true);
    union.add(sub);
    union.add(sub);
    const joined = readTtf(union.encode());
    expect(joined.glyphs.filter((g) => g.length > 0).length).toBe(drawn);
    expect(joined.advances.slice(0, 200)).toEqual(sub.advances.slice(0, 200));
  });

  it('writes a name table that font tools read, keeping the other records', async () => {
    const a = (await fontPrograms(chinese)).find((f) => /NotoSerifSC/.test(f.name))!;
    const before = fontkit.create(Buffer.from(a.bytes)) as { postscriptName: string; copyright: string };
    const names = { family: 'Noto Serif SC', subfamily: 'Regular', full: 'Noto Serif SC Regular', postscript: 'NotoSerifSC-Regular' };
    const renamed = fontkit.create(renameSfnt(a.bytes, names)) as { postscriptName: string; familyName: string; copyright: string };
    expect(renamed.postscriptName).toBe('NotoSerifSC-Regular');
    expect(renamed.familyName).toBe('Noto Serif SC');
    expect(renamed.copyright).toBe(before.copyright);
    expect(nameTable(names).readUInt16BE(2)).toBe(4);
  });
});

describe('font-merge.ts', () => {
  it('reads and writes ToUnicode maps', () => {
    const map = new Map([
      [3, '6D3B'],
      [4, '5B57'],
      [7, 'D83DDE00'],
    ]);
    expect(parseToUnicode(toUnicodeCMap(map))).toEqual(map);
  });

  it('merges the subsets of a font from two prints into one, and keeps other fonts apart', async () => {
    const file = path.join(tmp, 'merged-objects.pdf');
    const writer = new PdfFileWriter(file);
    const merger = new FontMerger(writer, realFontNames());
    const adopted: { name: string; replacement: number }[] = [];
    for (const pdf of [chinese, english]) {
      const ctx = await parsePdf(pdf);
      for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
        if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
        const got = merger.adopt(ctx, ref);
        if (got) adopted.push({ name: String(obj.get(PDFName.of('BaseFont'))).replace(/^\/[A-Z]{6}\+/, ''), replacement: got.replacement });
      }
    }
    const byName = new Map<string, Set<number>>();
    for (const a of adopted) byName.set(a.name, (byName.get(a.name) ?? new Set()).add(a.replacement));
    // Source Serif 4 Regular is in both prints: one merged font serves both.
    expect(byName.get('SourceSerif4-Regular')?.size).toBe(1);
    expect(merger.stats.subsets).toBe(adopted.length);
    writer.abandon();
  });
});

describe('assemble.ts', () => {
  const folioFont = new FolioFont(folioFontFile());

  it('assembles a book: right-hand starts, page numbers, bookmarks, links, one font per face, real font names', async () => {
    const file = path.join(tmp, 'book.pdf');
    const asm = new PdfAssembler({
      file,
      mode: 'book',
      rightHandStarts: true,
      fontNames: realFontNames(),
      info: { title: '测试', lang: 'zh-CN', creator: 'anthology', created: new Date('2025-01-02T03:04:05Z') },
      folios: { font: folioFont, style: { size: 8, color: [0.45, 0.43, 0.4] }, margins: { inner: 57, outer: 45, bottom: 57 } },
      links,
      pageLayout: 'TwoPageRight',
    });
    await asm.addPart(chinese, { structType: 'Art', folio: () => true, bookmark: { title: '活字与纸', open: true }, startName: destName('01-chinese:'), headings: ['排字', '印刷'] });
    await asm.addPart(english, { structType: 'Art', folio: () => true, bookmark: { title: 'Paper and Margins', open: true }, startName: destName('02-english:'), headings: ['Margins'] });
    const result = asm.finish();
    // One page each; the second starts on a right-hand page after a blank one.
    expect(result.pages).toBe(3);
    expect(result.starts).toEqual([1, 3]);
    expect(qpdfCheck(file).ok).toBe(true);
    const texts = pageTexts(file);
    expect(texts[0]).toContain('活字与纸');
    expect(texts[1]!.trim()).toBe('');
    expect(texts[2]).toContain('Paper and Margins');
    // Page numbers on the pages with text.
    expect(texts[0]!.trim().split('\n').pop()).toBe('1');
    expect(texts[2]!.trim().split('\n').pop()).toBe('3');
    const marks = bookmarks(file);
    expect(marks.map((m) => [m.title, m.page])).toEqual([
      ['活字与纸', 1],
      ['Paper and Margins', 3],
    ]);
    expect(marks[0]!.kids.map((k) => k.title)).toEqual(['排字', '印刷']);
    // The link from the Chinese article to the English one goes inside the book.
    const doc = await PDFDocument.load(readFileSync(file));
    const annots = doc.getPage(0).node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    const dests = (annots?.asArray() ?? []).map((a) => doc.context.lookup(a) as PDFDict).map((a) => a.get(PDFName.of('Dest'))?.toString());
    expect(dests.some((d) => d?.includes('02-english'))).toBe(true);
    // One font per face, under its real name.
    // (FOLIOA+ is the page numbers' own font.)
    const fonts = pdfFonts(file).map((f) => f.name).filter((n) => !n.startsWith('FOLIO'));
    expect(fonts.filter((n) => n.endsWith('+SourceSerif4-Regular'))).toHaveLength(1);
    expect(fonts.some((n) => /ExtraLight/.test(n))).toBe(false);
    expect((await embeddedFontNames(file)).some((n) => /ExtraLight/.test(n))).toBe(false);
  });

  it('writes the same bytes for the same parts (reproducible), and a different /ID for other parts', async () => {
    const once = async (name: string, parts: Uint8Array[]) => {
      const file = path.join(tmp, name);
      const asm = new PdfAssembler({ file, mode: 'book', rightHandStarts: true, info: { title: 'x', lang: 'en', creator: 'anthology', created: new Date(0) }, links });
      for (const p of parts) await asm.addPart(p, { structType: 'Art' });
      asm.finish();
      return readFileSync(file);
    };
    const a = await once('a.pdf', [chinese, english]);
    const b = await once('b.pdf', [chinese, english]);
    const c = await once('c.pdf', [english, chinese]);
    expect(a.equals(b)).toBe(true);
    const id = (bytes: Buffer) => /\/ID \[<([0-9A-F]+)>/i.exec(bytes.toString('latin1'))?.[1];
    expect(id(a)).toBeDefined();
    expect(id(a)).not.toBe(id(c));
  });

  it('keeps one article as it is (single mode): its outline, its own fonts renamed', async () => {
    const file = path.join(tmp, 'single.pdf');
    const asm = new PdfAssembler({ file, mode: 'single', rightHandStarts: false, fontNames: realFontNames(), info: { title: '活字与纸', lang: 'zh-CN', creator: 'anthology' }, links: () => undefined });
    await asm.addPart(chinese, { folio: (i) => i > 0, headings: ['排字', '印刷'] });
    const result = asm.finish();
    expect(result.pages).toBe(1);
    expect(qpdfCheck(file).ok).toBe(true);
    const marks = bookmarks(file);
    expect(marks.map((b) => b.title)).toEqual(['活字与纸']);
    expect(marks[0]!.kids.map((b) => b.title)).toEqual(['排字', '印刷']);
    expect(pdfFonts(file).map((f) => f.name.replace(/^[A-Z]{6}\+/, ''))).toContain('NotoSerifSC-Regular');
  });
});

describe('folio.ts', () => {
  it('measures and stamps page numbers in its own font', () => {
    const font = new FolioFont(folioFontFile());
    expect(font.width('10', 8)).toBeGreaterThan(font.width('1', 8));
    const stamp = Buffer.from(font.stamp('12', 100, 20, { size: 8, color: [0, 0, 0] })).toString('latin1');
    expect(stamp).toMatch(/BT[\s\S]*Tf[\s\S]*Tj[\s\S]*ET/);
  });
});
