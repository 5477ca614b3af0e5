/**
 * The EPUB's fonts: each font piece the book needs, subset to exactly the
 * characters it renders, under a family name of its own.
 *
 * The theme's fonts come split by Unicode range (Noto Serif SC in about a
 * hundred pieces). Many reading systems ignore `unicode-range`, so instead of
 * one family with many ranged faces, every piece becomes its own family and
 * the font stacks list them in order: per-character fallback through a
 * `font-family` list works everywhere. Which piece renders a character is
 * decided the way CSS font matching does it (first family in the stack whose
 * matching face has the glyph), from the pieces' real cmaps, so each piece is
 * subset to the characters it will actually draw.
 *
 * The subsets are TrueType, not WOFF2: WOFF2 is not supported by many
 * e-readers (Adobe RMSDK, older Kobo and Kindle conversion), and encoding it
 * (Brotli at quality 11 in WebAssembly) took 14 s for one weight of the
 * weekly corpus, against 0.5 s for TrueType, which the zip deflates.
 */
import { readFile } from 'node:fs/promises';
import subsetFont from 'subset-font';
import type { FontFace } from '../../assets/fonts.ts';
import { readCmap } from './cmap.ts';

/** Which font stack text is set in: Latin serif, CJK serif, or monospace. */
export type FontRole = 'latin' | 'cjk' | 'mono';

export interface TextStyle {
  role: FontRole;
  bold: boolean;
  italic: boolean;
}

/** The families of each stack, in order, by the @fontsource family names, and the generic fallback. */
const STACKS: Readonly<Record<FontRole, { families: string[]; generic: string }>> = {
  latin: { families: ['Source Serif 4', 'Noto Serif SC'], generic: 'serif' },
  cjk: { families: ['Noto Serif SC', 'Source Serif 4'], generic: 'serif' },
  mono: { families: ['JetBrains Mono', 'Noto Serif SC'], generic: 'monospace' },
};

/** One piece of a split font, with all its weights and styles: one family in the EPUB. */
interface Group {
  key: string;
  family: string;
  faces: FontFace[];
}

export interface EmbeddedFont {
  /** Path inside the EPUB's content folder: `fonts/<piece>-<weight>-<style>.ttf`. */
  href: string;
  mediaType: 'font/ttf';
  bytes: Buffer;
  /** Bytes of the source piece (WOFF2), for reports. */
  sourceBytes: number;
  characters: number;
}

export interface FontSet {
  files: EmbeddedFont[];
  /** `@font-face` rules. */
  css: string;
  /** The `font-family` value of each stack. */
  stacks: Record<FontRole, string>;
}

/** `noto-serif-sc-57-400-normal.woff2` → `noto-serif-sc-57`. */
function groupKey(face: FontFace): string {
  return face.file.name.replace(/-\d+-(normal|italic)\.woff2$/, '');
}

function familySlug(family: string): string {
  return family.toLowerCase().replace(/\s+/g, '-');
}

/** Collects the characters of a book by text style, then subsets and names the fonts. */
export class FontPlanner {
  private readonly groups = new Map<string, Group>();
  private readonly text = new Map<string, { style: TextStyle; chars: Set<number> }>();

  constructor(faces: readonly FontFace[]) {
    for (const face of faces) {
      const key = groupKey(face);
      let group = this.groups.get(key);
      if (!group) {
        const subset = key.startsWith(familySlug(face.family) + '-') ? key.slice(familySlug(face.family).length + 1) : key;
        group = { key, family: `${face.family} ${subset}`, faces: [] };
        this.groups.set(key, group);
      }
      group.faces.push(face);
    }
  }

  /** Records text that will be rendered in a style. */
  add(style: TextStyle, text: string): void {
    const key = `${style.role}/${style.bold ? 'b' : ''}${style.italic ? 'i' : ''}`;
    let entry = this.text.get(key);
    if (!entry) {
      entry = { style: { ...style }, chars: new Set() };
      this.text.set(key, entry);
    }
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      if (c >= 0x20) entry.chars.add(c);
    }
  }

  /** All characters recorded, in any style. */
  characters(): Set<number> {
    const all = new Set<number>();
    for (const { chars } of this.text.values()) for (const c of chars) all.add(c);
    return all;
  }

  async build(): Promise<FontSet> {
    const stackGroups = (role: FontRole) =>
      STACKS[role].families.flatMap((family) => [...this.groups.values()].filter((g) => g.faces[0]!.family === family));

    // 1. Groups worth looking at: a face's unicode-range meets the text of a stack it is in.
    const considered = new Set<Group>();
    for (const { style, chars } of this.text.values()) {
      const sorted = Int32Array.from(chars).sort();
      for (const group of stackGroups(style.role)) {
        if (considered.has(group)) continue;
        if (group.faces.some((f) => parseRanges(f.unicodeRange).some(([a, b]) => anyBetween(sorted, a, b)))) considered.add(group);
      }
    }

    // 2. Each character goes to the first considered family whose matching face has it.
    const cmaps = new Map<FontFace, Promise<{ bytes: Buffer; cmap: Set<number> }>>();
    const load = (face: FontFace) => {
      let p = cmaps.get(face);
      if (!p) {
        p = readFile(face.file.source).then((bytes) => ({ bytes, cmap: readCmap(bytes) }));
        cmaps.set(face, p);
      }
      return p;
    };
    const assigned = new Map<FontFace, Set<number>>();
    /** Faces that CSS font matching selects in a used style, per group: embedded even when empty. */
    const selected = new Map<Group, Set<FontFace>>();
    for (const { style, chars } of [...this.text.values()].sort((a, b) => styleOrder(a.style) - styleOrder(b.style))) {
      const stack = stackGroups(style.role).filter((g) => considered.has(g));
      const faces = stack.map((g) => matchFace(g, style));
      const loaded = await Promise.all(faces.map(load));
      stack.forEach((g, i) => {
        let set = selected.get(g);
        if (!set) selected.set(g, (set = new Set()));
        set.add(faces[i]!);
      });
      for (const c of [...chars].sort((a, b) => a - b)) {
        const i = loaded.findIndex((l) => l.cmap.has(c));
        if (i < 0) continue;
        const face = faces[i]!;
        let set = assigned.get(face);
        if (!set) assigned.set(face, (set = new Set()));
        set.add(c);
      }
    }

    // 3. Subset. A group is embedded when any of its faces draws something;
    // then every face that matching can pick in it is embedded too, or a
    // reader would pick another weight of the family for text that should
    // fall through to the next family.
    const all = this.characters();
    const files: EmbeddedFont[] = [];
    const css: string[] = [];
    const embeddedGroups = new Set<Group>();
    for (const group of this.groups.values()) {
      const faces = [...(selected.get(group) ?? [])];
      if (!faces.some((f) => assigned.get(f)?.size)) continue;
      embeddedGroups.add(group);
      faces.sort((a, b) => Number(a.weight) - Number(b.weight) || a.style.localeCompare(b.style));
      for (const face of faces) {
        const { bytes, cmap } = await load(face);
        const chars = assigned.get(face) ?? new Set<number>();
        // A face with nothing to draw still needs a valid cmap: it gets one
        // character of the font that the book never uses.
        let text = String.fromCodePoint(...[...chars].sort((a, b) => a - b));
        if (!text) {
          const unused = [...cmap].sort((a, b) => a - b).find((c) => !all.has(c) && c >= 0x20);
          text = unused === undefined ? '' : String.fromCodePoint(unused);
        }
        const subset = await subsetFont(bytes, text, { targetFormat: 'truetype' });
        const href = `fonts/${face.file.name.replace(/\.woff2$/, '.ttf')}`;
        files.push({ href, mediaType: 'font/ttf', bytes: subset, sourceBytes: bytes.length, characters: chars.size });
        css.push(
          `@font-face { font-family: "${group.family}"; font-weight: ${face.weight}; font-style: ${face.style}; src: url("${href}") format("truetype"); }`,
        );
      }
    }

    const stacks = {} as Record<FontRole, string>;
    for (const role of Object.keys(STACKS) as FontRole[]) {
      const families = stackGroups(role).filter((g) => embeddedGroups.has(g)).map((g) => `"${g.family}"`);
      stacks[role] = [...families, STACKS[role].generic].join(', ');
    }
    return { files, css: css.join('\n'), stacks };
  }
}

/** Plain text first, so that the face order (and so the output) does not depend on insertion order. */
function styleOrder(s: TextStyle): number {
  return ['latin', 'cjk', 'mono'].indexOf(s.role) * 4 + (s.bold ? 2 : 0) + (s.italic ? 1 : 0);
}

/** CSS font matching within a family, for the weights and styles the EPUB uses (400, 700, italic). */
function matchFace(group: Group, style: TextStyle): FontFace {
  const weight = style.bold ? 700 : 400;
  const wanted = style.italic ? 'italic' : 'normal';
  const byStyle = group.faces.filter((f) => f.style === wanted);
  const pool = byStyle.length ? byStyle : group.faces;
  // Nearest weight, preferring heavier for bold and lighter for regular, as CSS does.
  return [...pool].sort((a, b) => weightDistance(Number(a.weight), weight) - weightDistance(Number(b.weight), weight))[0]!;
}

function weightDistance(have: number, want: number): number {
  if (have === want) return 0;
  if (want >= 500) return have > want ? have - want : 1000 + (want - have);
  return have < want ? want - have : 1000 + (have - want);
}

type Ranges = [number, number][];

function parseRanges(range: string | undefined): Ranges {
  if (!range) return [[0, 0x10ffff]];
  const out: Ranges = [];
  for (const part of range.split(',')) {
    const m = /U\+([0-9a-f?]+)(?:-([0-9a-f]+))?/i.exec(part.trim());
    if (!m) continue;
    if (m[1]!.includes('?')) out.push([parseInt(m[1]!.replace(/\?/g, '0'), 16), parseInt(m[1]!.replace(/\?/g, 'f'), 16)]);
    else out.push([parseInt(m[1]!, 16), m[2] ? parseInt(m[2], 16) : parseInt(m[1]!, 16)]);
  }
  return out;
}

/** Whether the sorted array has a value in [a, b]. */
function anyBetween(sorted: Int32Array, a: number, b: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < a) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= b;
}
