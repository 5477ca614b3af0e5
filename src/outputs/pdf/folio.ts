/**
 * Page numbers (folios) written onto finished pages.
 *
 * Article parts are printed before anyone knows on which page of the book
 * they will land, so Chromium prints them without page numbers and the
 * assembly adds them: a few digits of Source Serif 4 (the book's Latin face)
 * embedded once as a tiny TrueType font, and per page a content stream
 * marked as a pagination artifact so that the tagged structure stays clean.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { NewStream, type PdfFileWriter, Raw, ref } from './pdf-file.ts';
import { readTtf, TtfUnion } from './ttf.ts';
import { writeType0Font } from './font-merge.ts';

export interface FolioStyle {
  /** Font size in points. */
  size: number;
  /** RGB, 0–1. */
  color: [number, number, number];
}

export class FolioFont {
  /** Resource name the pages use for the font. */
  static readonly resourceName = 'FolioN';
  private readonly gids = new Map<string, number>();
  private readonly widths = new Map<number, number>();
  private readonly ttf: Buffer;
  private readonly metrics: { ascent: number; descent: number; capHeight: number; bbox: number[]; italicAngle: number; name: string };

  /** `woffFile`: a WOFF (1.0) font with the digits, e.g. Source Serif 4's latin subset. */
  constructor(woffFile: string) {
    const woff = readFileSync(woffFile);
    const font = fontkit.create(woff);
    const scale = 1000 / font.unitsPerEm;
    const sfnt = readTtf(woffToSfnt(woff));
    const keep = new Set<number>([0]);
    for (const ch of '0123456789') {
      const glyph = font.glyphForCodePoint(ch.codePointAt(0)!);
      this.gids.set(ch, glyph.id);
      this.widths.set(glyph.id, Math.round(glyph.advanceWidth * scale));
      keep.add(glyph.id);
    }
    for (const g of [...keep]) for (const c of components(sfnt.glyphs[g]!)) keep.add(c);
    const union = new TtfUnion();
    union.add({ ...sfnt, glyphs: sfnt.glyphs.slice(0, Math.max(...keep) + 1).map((data, g) => (keep.has(g) ? data : Buffer.alloc(0))) });
    this.ttf = union.encode();
    const bbox = font.bbox;
    this.metrics = {
      ascent: Math.round(font.ascent * scale),
      descent: Math.round(font.descent * scale),
      capHeight: Math.round(font.capHeight * scale),
      bbox: [bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => Math.round(v * scale)),
      italicAngle: font.italicAngle,
      name: (font.postscriptName ?? 'Folio').replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, ''),
    };
  }

  /** Width of a number in points. */
  width(digits: string, size: number): number {
    let w = 0;
    for (const ch of digits) w += this.widths.get(this.gids.get(ch)!) ?? 0;
    return (w * size) / 1000;
  }

  /** A content stream that restores the graphics state of the page before it and draws the number. */
  stamp(digits: string, x: number, y: number, style: FolioStyle): Uint8Array {
    const hex = [...digits].map((ch) => this.gids.get(ch)!.toString(16).padStart(4, '0')).join('');
    const [r, g, b] = style.color.map((c) => c.toFixed(3));
    return Buffer.from(
      `Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\nBT\n${r} ${g} ${b} rg\n/${FolioFont.resourceName} ${style.size} Tf\n${x.toFixed(2)} ${y.toFixed(2)} Td\n<${hex}> Tj\nET\nQ\nEMC\n`,
      'latin1',
    );
  }

  /** Writes the font; `first` is the first of the 5 object numbers reserved for it. */
  write(out: PdfFileWriter, first: number): void {
    const [type0, cid, desc, file, toUnicode] = [0, 1, 2, 3, 4].map((i) => first + i) as [number, number, number, number, number];
    const fontName = `FOLIOA+${this.metrics.name}`;
    out.writeStream(file, new NewStream({ Length1: this.ttf.length }, this.ttf), true);
    out.writeValue(desc, {
      Type: 'FontDescriptor',
      FontName: fontName,
      Flags: 34,
      FontBBox: new Raw(`[${this.metrics.bbox.join(' ')}]`),
      ItalicAngle: this.metrics.italicAngle,
      Ascent: this.metrics.ascent,
      Descent: this.metrics.descent,
      CapHeight: this.metrics.capHeight,
      StemV: 80,
      FontFile2: ref(file),
    });
    const w = [...this.widths].sort((a, b) => a[0] - b[0]).map(([g, width]) => `${g} [${width}]`);
    const unicode = new Map([...this.gids].map(([ch, g]) => [g, ch.codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()]));
    writeType0Font(out, { type0, cid, desc, toUnicode }, { baseFont: fontName, cidSystemInfo: '<</Registry (Adobe) /Ordering (Identity) /Supplement 0>>', dw: 500, widths: `[${w.join(' ')}]`, unicode });
  }
}

/** WOFF 1.0 → the TrueType file it wraps. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') return woff;
  const flavor = woff.readUInt32BE(4);
  const count = woff.readUInt16BE(12);
  const tables: { tag: string; data: Buffer; checksum: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = 44 + 20 * i;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({ tag: woff.toString('latin1', at, at + 4), data: compLength < origLength ? inflateSync(raw) : raw, checksum: woff.readUInt32BE(at + 16) });
  }
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(count, 4);
  let pow = 1;
  let log = 0;
  while (pow * 2 <= count) {
    pow *= 2;
    log++;
  }
  header.writeUInt16BE(pow * 16, 6);
  header.writeUInt16BE(log, 8);
  header.writeUInt16BE(count * 16 - pow * 16, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach((t, i) => {
    const at = 12 + 16 * i;
    header.write(t.tag, at, 4, 'latin1');
    header.writeUInt32BE(t.checksum, at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(t.data.length, at + 12);
    const padded = t.data.length % 4 ? Buffer.concat([t.data, Buffer.alloc(4 - (t.data.length % 4))]) : t.data;
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
}

/** Glyph ids a composite glyph is built from (none for a simple glyph). */
function components(glyph: Buffer): number[] {
  if (glyph.length < 10 || glyph.readInt16BE(0) >= 0) return [];
  const out: number[] = [];
  let at = 10;
  for (;;) {
    const flags = glyph.readUInt16BE(at);
    out.push(glyph.readUInt16BE(at + 2));
    at += 4 + (flags & 1 ? 4 : 2);
    if (flags & 8) at += 2;
    else if (flags & 0x40) at += 4;
    else if (flags & 0x80) at += 8;
    if (!(flags & 0x20)) break;
  }
  return out;
}
