/**
 * Which characters the book's fonts can draw: the union of the cmaps of every
 * bundled face (the theme's three fonts, and the Arabic and emoji fonts that
 * back them up in the PDFs and the EPUB). Read once per process, and only the
 * table directory and `cmap` of each file: the Chinese face is 15 MB.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseCmap } from '../outputs/epub/cmap.ts';
import { wholeFaces } from './fonts.ts';

let covered: Set<number> | undefined;

export function fontCoverage(): ReadonlySet<number> {
  if (covered) return covered;
  const all = new Set<number>();
  for (const face of wholeFaces()) for (const c of cmapOfFile(face.source)) all.add(c);
  covered = all;
  return all;
}

function cmapOfFile(file: string): Set<number> {
  const fd = openSync(file, 'r');
  try {
    const read = (offset: number, length: number) => {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, offset);
      return buf;
    };
    const count = read(4, 2).readUInt16BE(0);
    const dir = read(12, count * 16);
    for (let i = 0; i < count; i++) {
      if (dir.toString('latin1', i * 16, i * 16 + 4) !== 'cmap') continue;
      return parseCmap(read(dir.readUInt32BE(i * 16 + 8), dir.readUInt32BE(i * 16 + 12)));
    }
    return new Set();
  } finally {
    closeSync(fd);
  }
}
