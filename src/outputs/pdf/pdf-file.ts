/**
 * Reading Chromium's PDFs and writing new PDF files object by object.
 *
 * Parsing uses pdf-lib's parser (robust, and fast with an unlimited
 * objects-per-tick). Writing is our own and streams to disk: every object is
 * serialised the moment it is final, with its references renumbered by a
 * function, so a book of thousands of pages never has to be held in memory
 * whole and no new PDFRef objects are created (pdf-lib interns every PDFRef
 * for ever).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFParser,
  PDFRawStream,
  PDFRef,
  PDFString,
} from 'pdf-lib';

/** Parses a whole PDF into pdf-lib objects, without pausing between objects. */
export async function parsePdf(bytes: Uint8Array): Promise<PDFContext> {
  return PDFParser.forBytesWithOptions(bytes, Infinity, false, false).parseDocument();
}

/** Text written exactly as given: a reference into the output file, or a value built here. */
export class Raw extends PDFObject {
  constructor(readonly text: string) {
    super();
  }
  override clone(): Raw {
    return this;
  }
  override toString(): string {
    return this.text;
  }
  override sizeInBytes(): number {
    return this.text.length;
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    for (let i = 0; i < this.text.length; i++) buffer[offset + i] = this.text.charCodeAt(i);
    return this.text.length;
  }
}

/** A reference to object `n` of the output file. */
export const ref = (n: number): Raw => new Raw(`${n} 0 R`);

/** A stream built here (its dictionary gets /Length, and /Filter when compressed). */
export class NewStream {
  constructor(
    readonly dict: Record<string, PDFObject | string | number>,
    readonly data: Uint8Array,
  ) {}
}

/** A PDF text string (UTF-16 when it is not plain ASCII). */
export function text(value: string): PDFObject {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(value) ? PDFString.of(value.replace(/[\\()]/g, '\\$&')) : PDFHexString.fromText(value);
}

/** Serialises a value, renumbering references to the source file with `mapRef`. */
export function serialize(obj: PDFObject, mapRef: (r: PDFRef) => number): string {
  if (obj instanceof PDFRef) return `${mapRef(obj)} 0 R`;
  if (obj instanceof PDFDict) {
    let out = '<<';
    for (const [k, v] of obj.entries()) out += `${k.toString()} ${serialize(v, mapRef)}\n`;
    return out + '>>';
  }
  if (obj instanceof PDFArray) {
    let out = '[';
    for (let i = 0; i < obj.size(); i++) out += (i ? ' ' : '') + serialize(obj.get(i), mapRef);
    return out + ']';
  }
  return obj.toString();
}

function serializeValue(v: PDFObject | string | number): string {
  if (typeof v === 'number') return PDFNumber.of(v).toString();
  if (typeof v === 'string') return PDFName.of(v).toString();
  return serialize(v, () => {
    throw new Error('A built value must not reference source objects');
  });
}

/**
 * A PDF file written front to back: allocate object numbers, write objects
 * in any order, then `finish` writes the cross-reference table and trailer.
 */
export class PdfFileWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly offsets: number[] = [0];
  private chunks: Buffer[] = [];
  private pending = 0;
  private closed = false;

  /** `version`: the header's (a PDF/X-4 file says 1.6). */
  constructor(
    readonly file: string,
    version = '1.7',
  ) {
    this.fd = openSync(file, 'w');
    // Binary marker line: tells transfer tools the file is not text.
    this.put(Buffer.from(`%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`, 'latin1'));
  }

  /** Reserves `count` consecutive object numbers and returns the first. */
  alloc(count = 1): number {
    const first = this.offsets.length;
    for (let i = 0; i < count; i++) this.offsets.push(0);
    return first;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** Writes a source object under number `n`, renumbering its references. */
  writeObject(n: number, obj: PDFObject, mapRef: (r: PDFRef) => number): void {
    if (obj instanceof PDFRawStream) {
      this.begin(n);
      this.put(Buffer.from(serialize(obj.dict, mapRef) + '\nstream\n', 'latin1'));
      this.put(obj.contents);
      this.put(Buffer.from('\nendstream\nendobj\n', 'latin1'));
      return;
    }
    this.begin(n);
    this.put(Buffer.from(serialize(obj, mapRef) + '\nendobj\n', 'latin1'));
  }

  /** Writes a dictionary or array built here. */
  writeValue(n: number, value: Record<string, PDFObject | string | number> | PDFObject): void {
    this.begin(n);
    this.put(Buffer.from((value instanceof PDFObject ? serializeValue(value) : dictText(value)) + '\nendobj\n', 'latin1'));
  }

  /** Writes a stream built here, compressed unless it is tiny. */
  writeStream(n: number, stream: NewStream, compress = stream.data.length > 256): void {
    const data = compress ? deflateSync(stream.data) : stream.data;
    const dict: Record<string, PDFObject | string | number> = { ...stream.dict, Length: data.length };
    if (compress) dict.Filter = 'FlateDecode';
    this.begin(n);
    this.put(Buffer.from(dictText(dict) + '\nstream\n', 'latin1'));
    this.put(data);
    this.put(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  /** Cross-reference table and trailer; closes the file. */
  finish(root: number, info: number, id: string): void {
    const xref = this.offset;
    const count = this.offsets.length;
    // Free entries (numbers reserved but never written) form a linked list from 0.
    const free: number[] = [];
    for (let n = 1; n < count; n++) if (this.offsets[n] === 0) free.push(n);
    const nextFree = new Map<number, number>();
    let prev = 0;
    for (const n of free) {
      nextFree.set(prev, n);
      prev = n;
    }
    nextFree.set(prev, 0);
    const lines: string[] = [`xref\n0 ${count}\n`];
    for (let n = 0; n < count; n++) {
      const at = this.offsets[n]!;
      if (n === 0 || at === 0) lines.push(`${pad10(nextFree.get(n) ?? 0)} ${n === 0 ? '65535' : '00001'} f\r\n`);
      else lines.push(`${pad10(at)} 00000 n\r\n`);
      if (lines.length > 4096) this.flushLines(lines);
    }
    lines.push(`trailer\n<</Size ${count}\n/Root ${root} 0 R\n/Info ${info} 0 R\n/ID [<${id}> <${id}>]>>\nstartxref\n${xref}\n%%EOF\n`);
    this.flushLines(lines);
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  /** Closes the file without finishing it (after an error). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }

  private flushLines(lines: string[]): void {
    this.put(Buffer.from(lines.join(''), 'latin1'));
    lines.length = 0;
  }

  private begin(n: number): void {
    if (n <= 0 || n >= this.offsets.length) throw new Error(`Object number ${n} was not allocated`);
    if (this.offsets[n] !== 0) throw new Error(`Object ${n} written twice`);
    this.offsets[n] = this.offset;
    this.put(Buffer.from(`${n} 0 obj\n`, 'latin1'));
  }

  private put(bytes: Uint8Array): void {
    this.chunks.push(bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.offset += bytes.length;
    this.pending += bytes.length;
    if (this.pending > 4 << 20) this.flush();
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const all = Buffer.concat(this.chunks);
    let done = 0;
    while (done < all.length) done += writeSync(this.fd, all, done);
    this.chunks = [];
    this.pending = 0;
  }
}

function dictText(value: Record<string, PDFObject | string | number>): string {
  let out = '<<';
  for (const [k, v] of Object.entries(value)) out += `${PDFName.of(k).toString()} ${serializeValue(v)}\n`;
  return out + '>>';
}

function pad10(n: number): string {
  return String(n).padStart(10, '0');
}

// ---------------------------------------------------------------------------
// Small helpers over pdf-lib objects
// ---------------------------------------------------------------------------

export function lookup(ctx: PDFContext, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? ctx.lookup(obj) : obj;
}

export function getDict(ctx: PDFContext, dict: PDFDict, key: string): PDFDict | undefined {
  const v = lookup(ctx, dict.get(PDFName.of(key)));
  return v instanceof PDFDict ? v : undefined;
}

export function getArray(ctx: PDFContext, dict: PDFDict, key: string): PDFArray | undefined {
  const v = lookup(ctx, dict.get(PDFName.of(key)));
  return v instanceof PDFArray ? v : undefined;
}

export function getNumber(ctx: PDFContext, dict: PDFDict, key: string): number | undefined {
  const v = lookup(ctx, dict.get(PDFName.of(key)));
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

export function getName(dict: PDFDict, key: string): string | undefined {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFName ? v.decodeText() : undefined;
}

export function getRef(dict: PDFDict, key: string): PDFRef | undefined {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFRef ? v : undefined;
}

/** Compressed stream contents, inflated (FlateDecode only; others as they are). */
export function streamBytes(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.get(PDFName.of('Filter'));
  if (filter === undefined) return stream.contents;
  const f = filter instanceof PDFArray && filter.size() === 1 ? filter.get(0) : filter;
  if (f === PDFName.of('FlateDecode')) return inflateSync(stream.contents);
  throw new Error(`Unsupported stream filter ${filter.toString()}`);
}

/**
 * The number of pages of a PDF as Chromium writes them (a classic
 * cross-reference table), read from the catalog's page tree without parsing
 * the whole file; undefined when the file is laid out otherwise.
 */
export function quickPageCount(pdf: Uint8Array): number | undefined {
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const tail = buf.toString('latin1', Math.max(0, buf.length - 1024));
  const root = /\/Root (\d+) 0 R/.exec(tail)?.[1];
  const xrefAt = Number(/startxref\s+(\d+)/.exec(tail)?.[1]);
  if (!root || !Number.isFinite(xrefAt)) return undefined;
  const objectText = (n: number): string | undefined => {
    const head = buf.toString('latin1', xrefAt, xrefAt + 32);
    const m = /^xref\s+0 (\d+)\s+/.exec(head);
    if (!m || n >= Number(m[1])) return undefined;
    const entry = buf.toString('latin1', xrefAt + m[0].length + n * 20, xrefAt + m[0].length + n * 20 + 18);
    const at = Number(entry.slice(0, 10));
    if (!/^\d{10} \d{5} n/.test(entry)) return undefined;
    const text = buf.toString('latin1', at, Math.min(buf.length, at + 4096));
    return text.startsWith(`${n} 0 obj`) ? text.slice(0, text.indexOf('endobj') >>> 0) : undefined;
  };
  const pages = /\/Pages (\d+) 0 R/.exec(objectText(Number(root)) ?? '')?.[1];
  const count = pages && /\/Count (\d+)/.exec(objectText(Number(pages)) ?? '')?.[1];
  return count ? Number(count) : undefined;
}
