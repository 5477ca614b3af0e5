/**
 * Reads which characters a font has (its `cmap`), from TrueType/OpenType or
 * WOFF2 bytes, without decoding anything else. WOFF2 data is decompressed
 * with Node's native Brotli, which is fast enough to do for every piece of a
 * split CJK font in each build.
 */
import { brotliDecompressSync } from 'node:zlib';

/** The code points the font maps to a glyph other than `.notdef`. */
export function readCmap(font: Uint8Array): Set<number> {
  const buf = Buffer.from(font.buffer, font.byteOffset, font.byteLength);
  const cmap = buf.toString('latin1', 0, 4) === 'wOF2' ? woff2Table(buf, 'cmap') : sfntTable(buf, 'cmap');
  if (!cmap) throw new Error('The font has no cmap table');
  return parseCmap(cmap);
}

function sfntTable(buf: Buffer, tag: string): Buffer | undefined {
  const numTables = buf.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (buf.toString('latin1', rec, rec + 4) === tag) {
      const offset = buf.readUInt32BE(rec + 8);
      const length = buf.readUInt32BE(rec + 12);
      return buf.subarray(offset, offset + length);
    }
  }
  return undefined;
}

/** The WOFF2 known-tag table (index 0 is cmap; 10 and 11 are glyf and loca). */
const KNOWN_TAGS = 'cmap head hhea hmtx maxp name OS/2 post cvt  fpgm glyf loca prep CFF  VORG EBDT EBLC gasp hdmx kern LTSH PCLT VDMX vhea vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG  sbix acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx opbd prop trak Zapf Silf Glat Gloc Feat Sill'
  .match(/.{4}\s?/g)!
  .map((t) => t.slice(0, 4));

function woff2Table(buf: Buffer, tag: string): Buffer | undefined {
  const numTables = buf.readUInt16BE(12);
  const compressedLength = buf.readUInt32BE(20);
  let pos = 48;
  const base128 = () => {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = buf[pos++]!;
      value = value * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) return value;
    }
    throw new Error('Invalid WOFF2 number');
  };
  const tables: { tag: string; length: number }[] = [];
  for (let i = 0; i < numTables; i++) {
    const flags = buf[pos++]!;
    let t: string;
    if ((flags & 0x3f) === 63) {
      t = buf.toString('latin1', pos, pos + 4);
      pos += 4;
    } else {
      t = KNOWN_TAGS[flags & 0x3f]!;
    }
    const version = flags >> 6;
    const origLength = base128();
    const transformed = t === 'glyf' || t === 'loca' ? version === 0 : version !== 0;
    const length = transformed ? base128() : origLength;
    tables.push({ tag: t, length });
  }
  const data = brotliDecompressSync(buf.subarray(pos, pos + compressedLength));
  let offset = 0;
  for (const t of tables) {
    if (t.tag === tag) return data.subarray(offset, offset + t.length);
    offset += t.length;
  }
  return undefined;
}

export function parseCmap(cmap: Buffer): Set<number> {
  const numTables = cmap.readUInt16BE(2);
  const subtables: { platform: number; encoding: number; offset: number; format: number }[] = [];
  for (let i = 0; i < numTables; i++) {
    const rec = 4 + i * 8;
    const offset = cmap.readUInt32BE(rec + 4);
    subtables.push({ platform: cmap.readUInt16BE(rec), encoding: cmap.readUInt16BE(rec + 2), offset, format: cmap.readUInt16BE(offset) });
  }
  const unicode = (s: (typeof subtables)[number]) => s.platform === 0 || (s.platform === 3 && (s.encoding === 1 || s.encoding === 10));
  const pick = subtables.find((s) => unicode(s) && s.format === 12) ?? subtables.find((s) => unicode(s) && s.format === 4);
  const out = new Set<number>();
  if (!pick) return out;
  const t = cmap.subarray(pick.offset);
  if (pick.format === 12) {
    const groups = t.readUInt32BE(12);
    for (let g = 0; g < groups; g++) {
      const start = t.readUInt32BE(16 + g * 12);
      const end = t.readUInt32BE(20 + g * 12);
      const glyph = t.readUInt32BE(24 + g * 12);
      for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) out.add(c);
    }
    return out;
  }
  const segCount = t.readUInt16BE(6) / 2;
  const ends = 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  for (let s = 0; s < segCount; s++) {
    const end = t.readUInt16BE(ends + s * 2);
    const start = t.readUInt16BE(starts + s * 2);
    const delta = t.readUInt16BE(deltas + s * 2);
    const rangeOffset = t.readUInt16BE(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
        glyph = at + 2 <= t.length ? t.readUInt16BE(at) : 0;
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) out.add(c);
    }
  }
  return out;
}
