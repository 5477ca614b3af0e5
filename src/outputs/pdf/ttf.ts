/**
 * TrueType fonts as Chromium embeds them: subsets that keep every glyph at
 * its original glyph id ("retain gids"), so that the subsets one font gets
 * in different PDFs can be joined into a single font that serves them all.
 * Only what a PDF's CIDFontType2 needs is written (no cmap, no layout tables).
 */

/** The glyphs and metrics of one embedded subset. */
export interface TtfSubset {
  tables: Map<string, Buffer>;
  /** Glyph outline data by glyph id; empty for glyphs the subset left out. */
  glyphs: Buffer[];
  advances: Uint16Array;
  lsbs: Int16Array;
}

const EMPTY = Buffer.alloc(0);

export function readTtf(data: Uint8Array): TtfSubset {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const version = buf.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new Error('not a TrueType font');
  const count = buf.readUInt16BE(4);
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = buf.toString('latin1', at, at + 4);
    const offset = buf.readUInt32BE(at + 8);
    const length = buf.readUInt32BE(at + 12);
    tables.set(tag, buf.subarray(offset, offset + length));
  }
  const need = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`TrueType font without a ${tag} table`);
    return t;
  };
  const head = need('head');
  const maxp = need('maxp');
  const hhea = need('hhea');
  const hmtx = need('hmtx');
  const loca = need('loca');
  const glyf = need('glyf');
  const numGlyphs = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const glyphs: Buffer[] = new Array<Buffer>(numGlyphs);
  for (let g = 0; g < numGlyphs; g++) {
    const start = longLoca ? loca.readUInt32BE(g * 4) : loca.readUInt16BE(g * 2) * 2;
    const end = longLoca ? loca.readUInt32BE(g * 4 + 4) : loca.readUInt16BE(g * 2 + 2) * 2;
    glyphs[g] = end > start ? glyf.subarray(start, end) : EMPTY;
  }
  const metrics = hhea.readUInt16BE(34);
  const advances = new Uint16Array(numGlyphs);
  const lsbs = new Int16Array(numGlyphs);
  for (let g = 0; g < numGlyphs; g++) {
    if (g < metrics) {
      advances[g] = hmtx.readUInt16BE(g * 4);
      lsbs[g] = hmtx.readInt16BE(g * 4 + 2);
    } else {
      advances[g] = metrics > 0 ? hmtx.readUInt16BE((metrics - 1) * 4) : 0;
      const at = metrics * 4 + (g - metrics) * 2;
      lsbs[g] = at + 2 <= hmtx.length ? hmtx.readInt16BE(at) : 0;
    }
  }
  return { tables, glyphs, advances, lsbs };
}

/** Tables copied from the first subset as they are. */
const KEPT = ['OS/2', 'cvt ', 'fpgm', 'prep', 'gasp', 'name'];
/** maxp fields (byte offsets) that are maxima over the glyphs. */
const MAXP_FIELDS = [6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30];

/** Glyphs of several subsets of one font, joined. */
export class TtfUnion {
  private base: TtfSubset | undefined;
  private glyphs: Buffer[] = [];
  private advances: number[] = [];
  private lsbs: number[] = [];
  private maxp = new Map<number, number>();
  private bbox: [number, number, number, number] | undefined;

  /** Whether every glyph the subset has is absent here or identical. */
  fits(sub: TtfSubset): boolean {
    const n = Math.min(sub.glyphs.length, this.glyphs.length);
    for (let g = 0; g < n; g++) {
      const mine = this.glyphs[g];
      const theirs = sub.glyphs[g]!;
      if (mine && mine.length && theirs.length && !mine.equals(theirs)) return false;
    }
    return true;
  }

  add(sub: TtfSubset): void {
    this.base ??= sub;
    for (let g = 0; g < sub.glyphs.length; g++) {
      const data = sub.glyphs[g]!;
      if (data.length && !this.glyphs[g]?.length) {
        // A copy: a view would keep the whole subset it came from alive.
        this.glyphs[g] = Buffer.from(data);
        this.advances[g] = sub.advances[g]!;
        this.lsbs[g] = sub.lsbs[g]!;
      } else if (this.advances[g] === undefined) {
        // An empty glyph (a space) still has an advance.
        this.advances[g] = sub.advances[g]!;
        this.lsbs[g] = sub.lsbs[g]!;
      }
    }
    const maxp = sub.tables.get('maxp')!;
    for (const at of MAXP_FIELDS) {
      if (at + 2 <= maxp.length) this.maxp.set(at, Math.max(this.maxp.get(at) ?? 0, maxp.readUInt16BE(at)));
    }
    const head = sub.tables.get('head')!;
    const box: [number, number, number, number] = [head.readInt16BE(36), head.readInt16BE(38), head.readInt16BE(40), head.readInt16BE(42)];
    this.bbox = this.bbox
      ? [Math.min(this.bbox[0], box[0]), Math.min(this.bbox[1], box[1]), Math.max(this.bbox[2], box[2]), Math.max(this.bbox[3], box[3])]
      : box;
  }

  /** The joined font as a TrueType file, with its names replaced when `names` is given. */
  encode(names?: FontNames): Buffer {
    const base = this.base;
    if (!base) throw new Error('empty font');
    const numGlyphs = Math.max(this.glyphs.length, this.advances.length, 1);
    const glyfParts: Buffer[] = [];
    const loca = Buffer.alloc((numGlyphs + 1) * 4);
    let at = 0;
    for (let g = 0; g < numGlyphs; g++) {
      loca.writeUInt32BE(at, g * 4);
      const data = this.glyphs[g];
      if (data?.length) {
        glyfParts.push(data);
        at += data.length;
        const pad = (4 - (data.length % 4)) % 4;
        if (pad) {
          glyfParts.push(Buffer.alloc(pad));
          at += pad;
        }
      }
    }
    loca.writeUInt32BE(at, numGlyphs * 4);
    const hmtx = Buffer.alloc(numGlyphs * 4);
    let maxAdvance = 0;
    for (let g = 0; g < numGlyphs; g++) {
      const adv = this.advances[g] ?? 0;
      maxAdvance = Math.max(maxAdvance, adv);
      hmtx.writeUInt16BE(adv, g * 4);
      hmtx.writeInt16BE(this.lsbs[g] ?? 0, g * 4 + 2);
    }
    const head = Buffer.from(base.tables.get('head')!);
    head.writeUInt32BE(0, 8);
    if (this.bbox) this.bbox.forEach((v, i) => head.writeInt16BE(v, 36 + i * 2));
    head.writeInt16BE(1, 50);
    const hhea = Buffer.from(base.tables.get('hhea')!);
    hhea.writeUInt16BE(maxAdvance, 10);
    hhea.writeUInt16BE(numGlyphs, 34);
    const maxp = Buffer.from(base.tables.get('maxp')!);
    maxp.writeUInt16BE(numGlyphs, 4);
    for (const [field, value] of this.maxp) maxp.writeUInt16BE(value, field);
    // post format 3: no glyph names (format 2 lists one per glyph).
    const post = Buffer.alloc(32);
    const basePost = base.tables.get('post');
    if (basePost && basePost.length >= 32) basePost.copy(post, 0, 0, 32);
    post.writeUInt32BE(0x00030000, 0);

    const tables = new Map<string, Buffer>([
      ['head', head],
      ['hhea', hhea],
      ['maxp', maxp],
      ['hmtx', hmtx],
      ['loca', loca],
      ['glyf', Buffer.concat(glyfParts)],
      ['post', post],
    ]);
    for (const tag of KEPT) {
      const t = base.tables.get(tag);
      if (t) tables.set(tag, t);
    }
    if (names) tables.set('name', nameTable(names, base.tables.get('name')));
    return writeSfnt(tables);
  }
}

/** A face's names, as a font's `name` table and a PDF's BaseFont give them. */
export interface FontNames {
  family: string;
  subfamily: string;
  full: string;
  postscript: string;
}

/** Name ids that say which face this is: family, subfamily, unique id, full name, PostScript name, typographic family and subfamily. */
const FACE_NAME_IDS = new Set([1, 2, 3, 4, 6, 16, 17]);

/**
 * A `name` table with the given face names (Windows, Unicode BMP, US
 * English: what PDF tools and font menus read) and every other record of
 * `previous` (copyright, version, licence…) as it was.
 */
export function nameTable(names: FontNames, previous?: Buffer): Buffer {
  const records: { platform: number; encoding: number; language: number; id: number; data: Buffer }[] = [];
  if (previous && previous.length >= 6) {
    const count = previous.readUInt16BE(2);
    const storage = previous.readUInt16BE(4);
    for (let i = 0; i < count; i++) {
      const at = 6 + i * 12;
      if (at + 12 > previous.length) break;
      const id = previous.readUInt16BE(at + 6);
      if (FACE_NAME_IDS.has(id)) continue;
      const length = previous.readUInt16BE(at + 8);
      const offset = storage + previous.readUInt16BE(at + 10);
      if (offset + length > previous.length) continue;
      records.push({ platform: previous.readUInt16BE(at), encoding: previous.readUInt16BE(at + 2), language: previous.readUInt16BE(at + 4), id, data: previous.subarray(offset, offset + length) });
    }
  }
  const utf16 = (s: string) => Buffer.from(s, 'utf16le').swap16();
  for (const [id, value] of [[1, names.family], [2, names.subfamily], [4, names.full], [6, names.postscript]] as const) {
    records.push({ platform: 3, encoding: 1, language: 0x409, id, data: utf16(value) });
  }
  records.sort((a, b) => a.platform - b.platform || a.encoding - b.encoding || a.language - b.language || a.id - b.id);
  const header = Buffer.alloc(6 + records.length * 12);
  header.writeUInt16BE(0, 0);
  header.writeUInt16BE(records.length, 2);
  header.writeUInt16BE(header.length, 4);
  let offset = 0;
  records.forEach((r, i) => {
    const at = 6 + i * 12;
    header.writeUInt16BE(r.platform, at);
    header.writeUInt16BE(r.encoding, at + 2);
    header.writeUInt16BE(r.language, at + 4);
    header.writeUInt16BE(r.id, at + 6);
    header.writeUInt16BE(r.data.length, at + 8);
    header.writeUInt16BE(offset, at + 10);
    offset += r.data.length;
  });
  return Buffer.concat([header, ...records.map((r) => r.data)]);
}

/** A whole sfnt font with its `name` table replaced (other tables byte for byte). */
export function renameSfnt(font: Uint8Array, names: FontNames): Buffer {
  const buf = Buffer.from(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, Buffer>();
  const count = buf.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    tables.set(buf.toString('latin1', at, at + 4), buf.subarray(buf.readUInt32BE(at + 8), buf.readUInt32BE(at + 8) + buf.readUInt32BE(at + 12)));
  }
  tables.set('name', nameTable(names, tables.get('name')));
  return writeSfnt(tables);
}

/** An sfnt file from its tables, with checksums and head.checkSumAdjustment. */
export function writeSfnt(tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const count = tags.length;
  let pow = 1;
  let log = 0;
  while (pow * 2 <= count) {
    pow *= 2;
    log++;
  }
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(pow * 16, 6);
  header.writeUInt16BE(log, 8);
  header.writeUInt16BE(count * 16 - pow * 16, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  let headAt = -1;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    const at = 12 + 16 * i;
    header.write(tag, at, 4, 'latin1');
    header.writeUInt32BE(checksum(data), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(data.length, at + 12);
    if (tag === 'head') headAt = offset;
    const padded = data.length % 4 ? Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]) : data;
    bodies.push(padded);
    offset += padded.length;
  });
  const file = Buffer.concat([header, ...bodies]);
  if (headAt >= 0) file.writeUInt32BE((0xb1b0afba - checksum(file)) >>> 0, headAt + 8);
  return file;
}

function checksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  if (whole < data.length) {
    const last = Buffer.alloc(4);
    data.copy(last, 0, whole);
    sum = (sum + last.readUInt32BE(0)) >>> 0;
  }
  return sum;
}
