/**
 * A minimal zip reader for the EPUB tests: the central directory, each
 * entry's local header (for the `mimetype` checks) and its data. No
 * dependency and no external `unzip`, so the tests run anywhere.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  size: number;
  compressedSize: number;
  /** Offset of the local file header. */
  offset: number;
  /** Length of the extra field in the local header. */
  localExtraLength: number;
  data: Buffer;
}

export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const offset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localExtraLength = zip.readUInt16LE(offset + 28);
    const start = offset + 30 + zip.readUInt16LE(offset + 26) + localExtraLength;
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
    entries.push({ name, method, size, compressedSize, offset, localExtraLength, data });
  }
  return entries;
}

/** Entries by name, and their text. */
export function zipFiles(zip: Buffer): { entries: ZipEntry[]; text(name: string): string; bytes(name: string): Buffer; has(name: string): boolean } {
  const entries = readZip(zip);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const get = (name: string) => {
    const e = byName.get(name);
    if (!e) throw new Error(`no ${name} in the EPUB`);
    return e;
  };
  return { entries, text: (name) => get(name).data.toString('utf8'), bytes: (name) => get(name).data, has: (name) => byName.has(name) };
}
