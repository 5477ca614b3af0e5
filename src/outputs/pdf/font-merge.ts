/**
 * One font for the whole book instead of one subset per article.
 *
 * Every article part is printed on its own, so Chromium embeds a subset of
 * each font in every part (about 200 KB of Chinese glyphs per article). Its
 * subsets keep glyph ids (CIDToGIDMap /Identity, codes = glyph ids of the
 * original font), so the subsets of one font from all parts join into one
 * font that every page can use: same codes, same widths, same Unicode. A
 * subset joins a merged font only if nothing conflicts (a glyph id with other
 * outlines, width or Unicode), so fonts that merely share a name (the
 * unicode-range pieces of a web font) never get mixed up; a conflicting
 * subset starts a font of its own.
 */
import { type PDFContext, PDFArray, PDFDict, PDFName, PDFNumber, type PDFObject, PDFRawStream, PDFRef } from 'pdf-lib';
import { getArray, getDict, getName, getNumber, getRef, lookup, NewStream, type PdfFileWriter, Raw, ref, serialize, streamBytes } from './pdf-file.ts';
import { type FontNames, readTtf, renameSfnt, type TtfSubset, TtfUnion } from './ttf.ts';

/** A part's font that can be merged: its pieces, parsed. */
interface FontPiece {
  key: string;
  baseName: string;
  subset: TtfSubset;
  widths: Map<number, number>;
  unicode: Map<number, string>;
  /** The font descriptor's entries, written out (but for the font file and name). */
  descriptor: [string, string][];
  bbox: [number, number, number, number] | undefined;
  cidSystemInfo: string;
  dw: number;
  /** Objects of the part that the merged font replaces. */
  objects: number[];
}

class MergedFont {
  readonly ttf = new TtfUnion();
  /** The face's real names, when its file carries wrong ones. */
  names: FontNames | undefined;
  readonly widths = new Map<number, number>();
  readonly unicode = new Map<number, string>();
  bbox: [number, number, number, number] | undefined;
  constructor(
    readonly first: number,
    readonly piece: FontPiece,
    readonly tag: string,
  ) {}

  fits(p: FontPiece): boolean {
    // Chromium lists a width of 0 for glyphs a subset holds but does not show; only real widths must agree.
    for (const [g, w] of p.widths) {
      const mine = this.widths.get(g);
      if (mine && w && Math.abs(mine - w) > 0.01) return false;
    }
    for (const [g, u] of p.unicode) {
      const mine = this.unicode.get(g);
      if (mine !== undefined && mine !== u) return false;
    }
    return this.ttf.fits(p.subset);
  }

  add(p: FontPiece): void {
    this.ttf.add(p.subset);
    for (const [g, w] of p.widths) if (w || !this.widths.has(g)) this.widths.set(g, w);
    for (const [g, u] of p.unicode) this.unicode.set(g, u);
    const b = p.bbox;
    if (b) this.bbox = this.bbox ? [Math.min(this.bbox[0], b[0]), Math.min(this.bbox[1], b[1]), Math.max(this.bbox[2], b[2]), Math.max(this.bbox[3], b[3])] : b;
  }

  write(out: PdfFileWriter): void {
    const [type0, cid, desc, file, toUnicode] = [0, 1, 2, 3, 4].map((i) => this.first + i) as [number, number, number, number, number];
    const fontName = `${this.tag}+${this.names?.postscript ?? this.piece.baseName}`;
    const ttf = this.ttf.encode(this.names);
    out.writeStream(file, new NewStream({ Length1: ttf.length }, ttf), true);
    const descriptor: Record<string, PDFObject | number | string> = { Type: 'FontDescriptor', FontName: fontName };
    for (const [key, value] of this.piece.descriptor) descriptor[key] = new Raw(value);
    if (this.bbox) descriptor.FontBBox = new Raw(`[${this.bbox.join(' ')}]`);
    descriptor.FontFile2 = ref(file);
    out.writeValue(desc, descriptor);
    writeType0Font(out, { type0, cid, desc, toUnicode }, { baseFont: fontName, cidSystemInfo: this.piece.cidSystemInfo, dw: this.piece.dw, widths: widthsArray(this.widths), unicode: this.unicode });
  }
}

/**
 * Writes a composite (Type0) font over one CIDFontType2 with an identity
 * CID-to-glyph map, and its ToUnicode map; the descriptor (with the font
 * file) is the caller's, at `nums.desc`.
 */
export function writeType0Font(
  out: PdfFileWriter,
  nums: { type0: number; cid: number; desc: number; toUnicode: number },
  font: { baseFont: string; cidSystemInfo: string; dw: number; widths: string; unicode: Map<number, string> },
): void {
  out.writeValue(nums.cid, {
    Type: 'Font',
    Subtype: 'CIDFontType2',
    BaseFont: font.baseFont,
    CIDSystemInfo: new Raw(font.cidSystemInfo),
    FontDescriptor: ref(nums.desc),
    DW: font.dw,
    W: new Raw(font.widths),
    CIDToGIDMap: 'Identity',
  });
  out.writeStream(nums.toUnicode, new NewStream({}, Buffer.from(toUnicodeCMap(font.unicode), 'latin1')), true);
  out.writeValue(nums.type0, {
    Type: 'Font',
    Subtype: 'Type0',
    BaseFont: font.baseFont,
    Encoding: 'Identity-H',
    DescendantFonts: new Raw(`[${nums.cid} 0 R]`),
    ToUnicode: ref(nums.toUnicode),
  });
}

/** Merges the fonts of many parts; see the module comment. */
export class FontMerger {
  private readonly fonts = new Map<string, MergedFont[]>();
  private count = 0;
  /** How many subsets were merged. */
  readonly stats = { subsets: 0 };

  constructor(
    private readonly out: PdfFileWriter,
    private readonly renames: ReadonlyMap<string, FontNames> = new Map(),
  ) {}

  /**
   * For a part's font object, the output object to use instead and the part's
   * objects that are no longer needed; undefined when the font cannot merge
   * (Type 3, simple fonts, anything unexpected), which keeps it as it is.
   */
  adopt(ctx: PDFContext, fontRef: PDFRef): { replacement: number; objects: number[] } | undefined {
    const piece = readPiece(ctx, fontRef);
    if (!piece) return undefined;
    let list = this.fonts.get(piece.key);
    if (!list) this.fonts.set(piece.key, (list = []));
    let target = list.find((f) => f.fits(piece));
    if (!target) {
      target = new MergedFont(this.out.alloc(5), piece, subsetTag(this.count++));
      target.names = this.renames.get(piece.baseName);
      list.push(target);
    }
    target.add(piece);
    this.stats.subsets++;
    return { replacement: target.first, objects: piece.objects };
  }

  /** Writes the merged fonts (after every part was adopted). */
  finish(): void {
    for (const list of this.fonts.values()) for (const f of list) f.write(this.out);
  }
}

/**
 * Gives a font of a part its real names in place (BaseFont, FontName and the
 * embedded TrueType's `name` table) when `renames` knows its PostScript name;
 * anything else is left as it is.
 */
export function renameFont(ctx: PDFContext, fontRef: PDFRef, renames: ReadonlyMap<string, FontNames>): void {
  if (renames.size === 0) return;
  const font = ctx.lookup(fontRef);
  if (!(font instanceof PDFDict) || getName(font, 'Subtype') !== 'Type0') return;
  const baseFont = getName(font, 'BaseFont') ?? '';
  const tag = /^[A-Z]{6}\+/.exec(baseFont)?.[0] ?? '';
  const names = renames.get(baseFont.slice(tag.length));
  if (!names) return;
  const cid = lookup(ctx, getArray(ctx, font, 'DescendantFonts')?.get(0));
  const descriptor = cid instanceof PDFDict ? getDict(ctx, cid, 'FontDescriptor') : undefined;
  const fileRef = descriptor && getRef(descriptor, 'FontFile2');
  const file = fileRef && ctx.lookup(fileRef);
  if (!(cid instanceof PDFDict) || !descriptor || !fileRef || !(file instanceof PDFRawStream)) return;
  let renamed: Buffer;
  try {
    renamed = renameSfnt(streamBytes(file), names);
  } catch {
    return;
  }
  const name = PDFName.of(tag + names.postscript);
  font.set(PDFName.of('BaseFont'), name);
  cid.set(PDFName.of('BaseFont'), name);
  descriptor.set(PDFName.of('FontName'), name);
  const stream = ctx.flateStream(renamed, { Length1: renamed.length });
  // The writer copies a stream's dictionary as it is: the length must be in it.
  stream.dict.set(PDFName.of('Length'), PDFNumber.of(stream.contents.length));
  ctx.assign(fileRef, stream);
}

function readPiece(ctx: PDFContext, fontRef: PDFRef): FontPiece | undefined {
  const font = ctx.lookup(fontRef);
  if (!(font instanceof PDFDict) || getName(font, 'Subtype') !== 'Type0' || getName(font, 'Encoding') !== 'Identity-H') return undefined;
  const descendants = getArray(ctx, font, 'DescendantFonts');
  const cidRef = descendants?.size() === 1 ? descendants.get(0) : undefined;
  const cid = lookup(ctx, cidRef);
  if (!(cid instanceof PDFDict) || getName(cid, 'Subtype') !== 'CIDFontType2' || getName(cid, 'CIDToGIDMap') !== 'Identity') return undefined;
  const descRef = getRef(cid, 'FontDescriptor');
  const descriptor = getDict(ctx, cid, 'FontDescriptor');
  const fileRef = descriptor && getRef(descriptor, 'FontFile2');
  const file = fileRef && ctx.lookup(fileRef);
  const toUnicodeRef = getRef(font, 'ToUnicode');
  const toUnicode = toUnicodeRef && ctx.lookup(toUnicodeRef);
  if (!descRef || !descriptor || !fileRef || !(file instanceof PDFRawStream) || !toUnicodeRef || !(toUnicode instanceof PDFRawStream)) return undefined;
  if (!(cidRef instanceof PDFRef)) return undefined;
  const baseFont = getName(font, 'BaseFont') ?? '';
  const baseName = baseFont.replace(/^[A-Z]{6}\+/, '');
  let subset: TtfSubset;
  let unicode: Map<number, string>;
  try {
    subset = readTtf(streamBytes(file));
    unicode = parseToUnicode(Buffer.from(streamBytes(toUnicode)).toString('latin1'));
  } catch {
    return undefined;
  }
  const dw = getNumber(ctx, cid, 'DW') ?? 1000;
  const cidSystemInfo = direct(lookup(ctx, cid.get(PDFName.of('CIDSystemInfo'))));
  if (cidSystemInfo === undefined) return undefined;
  const descKey = ['Flags', 'ItalicAngle', 'Ascent', 'Descent', 'CapHeight', 'StemV'].map((k) => getNumber(ctx, descriptor, k) ?? '').join(',');
  // Kept as text: holding a PDFDict would keep the whole part it came from in memory.
  const descriptorEntries: [string, string][] = [];
  for (const [k, v] of descriptor.entries()) {
    const key = k.decodeText();
    if (['FontFile2', 'FontFile3', 'FontFile', 'FontName', 'Type', 'CIDSet', 'FontBBox'].includes(key)) continue;
    const text = direct(lookup(ctx, v));
    // An entry that points further: not a font as Chromium writes them; leave it alone.
    if (text === undefined) return undefined;
    descriptorEntries.push([key, text]);
  }
  const box = lookup(ctx, descriptor.get(PDFName.of('FontBBox')));
  const bbox = box instanceof PDFArray && box.size() === 4 ? ([0, 1, 2, 3].map((i) => (lookup(ctx, box.get(i)) as PDFNumber).asNumber()) as [number, number, number, number]) : undefined;
  const objects = [fontRef.objectNumber, cidRef.objectNumber, descRef.objectNumber, fileRef.objectNumber, toUnicodeRef.objectNumber];
  const wRef = getRef(cid, 'W');
  if (wRef) objects.push(wRef.objectNumber);
  return {
    key: [baseName, dw, descKey, cidSystemInfo].join('|'),
    baseName,
    subset,
    widths: parseWidths(ctx, getArray(ctx, cid, 'W')),
    unicode,
    descriptor: descriptorEntries,
    bbox,
    cidSystemInfo,
    dw,
    objects,
  };
}

/** A value written out, or undefined when it refers to other objects. */
function direct(value: PDFObject | undefined): string | undefined {
  if (value === undefined || value instanceof PDFRawStream) return undefined;
  let refers = false;
  const text = serialize(value, () => {
    refers = true;
    return 0;
  });
  return refers ? undefined : text;
}

/** A CIDFont /W array as glyph id → width. */
export function parseWidths(ctx: PDFContext, w: PDFArray | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!w) return out;
  const items = w.asArray().map((x) => lookup(ctx, x));
  for (let i = 0; i < items.length; ) {
    const first = items[i];
    const second = items[i + 1];
    if (!(first instanceof PDFNumber)) break;
    if (second instanceof PDFArray) {
      second.asArray().forEach((v, j) => {
        const n = lookup(ctx, v);
        if (n instanceof PDFNumber) out.set(first.asNumber() + j, n.asNumber());
      });
      i += 2;
    } else if (second instanceof PDFNumber && items[i + 2] instanceof PDFNumber) {
      const width = (items[i + 2] as PDFNumber).asNumber();
      for (let g = first.asNumber(); g <= second.asNumber(); g++) out.set(g, width);
      i += 3;
    } else break;
  }
  return out;
}

function widthsArray(widths: Map<number, number>): string {
  const gids = [...widths.keys()].sort((a, b) => a - b);
  let out = '[';
  for (let i = 0; i < gids.length; ) {
    let j = i;
    while (j + 1 < gids.length && gids[j + 1] === gids[j]! + 1) j++;
    out += `${gids[i]} [${gids.slice(i, j + 1).map((g) => PDFNumber.of(widths.get(g)!).toString()).join(' ')}]\n`;
    i = j + 1;
  }
  return out + ']';
}

/** A ToUnicode CMap's bfchar and bfrange entries as code → UTF-16 hex. */
export function parseToUnicode(cmap: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>/g)) out.set(parseInt(m[1]!, 16), m[2]!.toUpperCase());
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      if (m[3] !== undefined) {
        const width = m[3].length;
        const start = parseInt(m[3].slice(-4), 16);
        const prefix = m[3].slice(0, -4);
        for (let c = lo; c <= hi; c++) out.set(c, (prefix + (start + c - lo).toString(16).padStart(4, '0')).toUpperCase().padStart(width, '0'));
      } else {
        [...m[4]!.matchAll(/<([0-9A-Fa-f]*)>/g)].forEach((d, j) => out.set(lo + j, d[1]!.toUpperCase()));
      }
    }
  }
  return out;
}

export function toUnicodeCMap(map: Map<number, string>): string {
  const codes = [...map.keys()].sort((a, b) => a - b);
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  for (let i = 0; i < codes.length; i += 100) {
    const chunk = codes.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const c of chunk) lines.push(`<${c.toString(16).padStart(4, '0').toUpperCase()}> <${map.get(c)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return lines.join('\n') + '\n';
}

/** Six capital letters naming a subset (`AAAAAB+`), unique per merged font. */
function subsetTag(n: number): string {
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag = String.fromCharCode(65 + (n % 26)) + tag;
    n = Math.floor(n / 26);
  }
  return tag;
}

