/**
 * The EPUB's fonts: one file per face the book uses (family × weight ×
 * style), subset to exactly the characters that face draws, each declared
 * once under its plain family name, and short stacks:
 *
 *   Latin: "Source Serif 4", "Noto Serif SC", serif
 *   CJK:   "Noto Serif SC", "Source Serif 4", serif
 *   mono:  "JetBrains Mono", "Noto Serif SC", monospace
 *   math:  "Noto Sans Math" first (issue 14), only when the book has formulas
 *
 * Why not the site's fonts: those come cut by Unicode range (Noto Serif SC
 * in about a hundred pieces per weight). Reading systems ignore
 * `unicode-range`, so each piece had to be a family of its own, and every
 * `font-family` list chained dozens of them; calibre's renderer (and so its
 * viewer and PDF conversion) then showed the Chinese text as blank pages, and
 * other engines (Adobe RMSDK, older WebKit, Kindle) may not fall back glyph
 * by glyph through such a list either. So the faces are subset here from
 * whole static fonts (src/assets/fonts.ts `wholeFaces`) with HarfBuzz, which
 * keeps their names and layout tables (`vert` for vertical text, `halt`…).
 *
 * Which face draws a character is decided the way CSS font matching does it
 * (the first family of the stack whose matching face has the glyph), from the
 * fonts' real cmaps, so each face holds just the characters it will draw.
 * A character that no bundled font has falls through to the generic family,
 * that is, to the reader's own fonts; so does every character on a reading
 * system that ignores embedded fonts.
 *
 * The subsets are TrueType, not WOFF2: WOFF2 is not supported by many
 * e-readers (Adobe RMSDK, older Kobo and Kindle conversion), and encoding it
 * is slow; the zip deflates TrueType well.
 */
import { readFile } from 'node:fs/promises';
import subsetFont from 'subset-font';
import { FALLBACK_FAMILIES, MATH_FAMILY, type WholeFace, wholeFaces } from '../../assets/fonts.ts';
import { readCmap } from './cmap.ts';

/** Which font stack text is set in: Latin serif, CJK serif, or monospace. */
export type FontRole = 'latin' | 'cjk' | 'mono' | 'math';

export interface TextStyle {
  role: FontRole;
  bold: boolean;
  italic: boolean;
}

/**
 * The families of each stack, in order, and the generic family that ends it.
 * Arabic and emoji fonts come last: only a book that uses them embeds them
 * and lists them.
 */
const STACKS: Readonly<Record<FontRole, { families: string[]; generic: string }>> = {
  latin: { families: ['Source Serif 4', 'Noto Serif SC', ...FALLBACK_FAMILIES], generic: 'serif' },
  cjk: { families: ['Noto Serif SC', 'Source Serif 4', ...FALLBACK_FAMILIES], generic: 'serif' },
  mono: { families: ['JetBrains Mono', 'Noto Serif SC', ...FALLBACK_FAMILIES], generic: 'monospace' },
  // Formulas (MathML): the math font, Chinese in \text{} from the Chinese face.
  math: { families: [MATH_FAMILY, 'Source Serif 4', 'Noto Serif SC'], generic: 'serif' },
};

export interface EmbeddedFont {
  /** Path inside the EPUB's content folder: `fonts/<Family>-<Weight><Style>.ttf`. */
  href: string;
  mediaType: 'font/ttf';
  bytes: Buffer;
  family: string;
  weight: number;
  style: string;
  /** Characters the face draws in the book. */
  characters: number;
}

export interface FontSet {
  files: EmbeddedFont[];
  /** `@font-face` rules, one per file. */
  css: string;
  /** The `font-family` value of each stack. */
  stacks: Record<FontRole, string>;
}

/** Collects the characters of a book by text style, then subsets the faces that draw them. */
export class FontPlanner {
  private readonly faces: readonly WholeFace[];
  private readonly text = new Map<string, { style: TextStyle; chars: Set<number> }>();

  constructor(faces: readonly WholeFace[] = wholeFaces()) {
    this.faces = faces;
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
    // Each character goes to the first family of its stack whose matching face has it.
    const assigned = new Map<WholeFace, Set<number>>();
    for (const { style, chars } of [...this.text.values()].sort((a, b) => styleOrder(a.style) - styleOrder(b.style))) {
      const faces = STACKS[style.role].families.map((family) => matchFace(this.faces, family, style)).filter((f): f is WholeFace => f !== undefined);
      const cmaps = await Promise.all(faces.map(cmapOf));
      for (const c of [...chars].sort((a, b) => a - b)) {
        const i = cmaps.findIndex((cmap) => cmap.has(c));
        if (i < 0) continue;
        const face = faces[i]!;
        let set = assigned.get(face);
        if (!set) assigned.set(face, (set = new Set()));
        set.add(c);
      }
    }

    // One file per face that draws something, in a fixed order.
    const used = this.faces.filter((f) => assigned.get(f)?.size);
    const files = await Promise.all(
      used.map(async (face): Promise<EmbeddedFont> => {
        const chars = assigned.get(face)!;
        const text = String.fromCodePoint(...[...chars].sort((a, b) => a - b));
        const bytes = await subsetFont(await fontBytes(face), text, { targetFormat: 'truetype' });
        return { href: `fonts/${fileName(face)}`, mediaType: 'font/ttf', bytes, family: face.family, weight: face.weight, style: face.style, characters: chars.size };
      }),
    );
    // font-display: swap: a reading system that loads fonts lazily shows the text in its own font meanwhile, never nothing.
    const css = files.map((f) => `@font-face { font-family: "${f.family}"; font-weight: ${f.weight}; font-style: ${f.style}; font-display: swap; src: url("${f.href}") format("truetype"); }`);

    const embedded = new Set(files.map((f) => f.family));
    const stacks = {} as Record<FontRole, string>;
    for (const role of Object.keys(STACKS) as FontRole[]) {
      const families = STACKS[role].families.filter((f) => embedded.has(f)).map((f) => `"${f}"`);
      stacks[role] = [...families, STACKS[role].generic].join(', ');
    }
    return { files, css: css.join('\n'), stacks };
  }
}

/** `Noto Serif SC`, 700, normal → `NotoSerifSC-Bold.ttf`. */
function fileName(face: WholeFace): string {
  const name = `${face.weight === 700 ? 'Bold' : face.style === 'italic' ? '' : 'Regular'}${face.style === 'italic' ? 'Italic' : ''}`;
  return `${face.family.replace(/\s+/g, '')}-${name}.ttf`;
}

/** Plain text first, so that the order of the work (and so the output) does not depend on insertion order. */
function styleOrder(s: TextStyle): number {
  return ['latin', 'cjk', 'mono', 'math'].indexOf(s.role) * 4 + (s.bold ? 2 : 0) + (s.italic ? 1 : 0);
}

/** CSS font matching within a family, for the weights and styles the EPUB uses (400, 700, italic). */
function matchFace(faces: readonly WholeFace[], family: string, style: TextStyle): WholeFace | undefined {
  const inFamily = faces.filter((f) => f.family === family);
  const wanted = style.italic ? 'italic' : 'normal';
  const byStyle = inFamily.filter((f) => f.style === wanted);
  const pool = byStyle.length ? byStyle : inFamily;
  const weight = style.bold ? 700 : 400;
  return pool.find((f) => f.weight === weight) ?? pool[0];
}

// The whole fonts are large (Noto Serif SC: 15 MB a face): each is read and
// its cmap parsed once per process, and only while a build needs them.
const loaded = new Map<string, Promise<{ bytes: Buffer; cmap: Set<number> }>>();

function load(face: WholeFace) {
  let p = loaded.get(face.source);
  if (!p) {
    p = readFile(face.source).then((bytes) => ({ bytes, cmap: readCmap(bytes) }));
    p.catch(() => loaded.delete(face.source));
    loaded.set(face.source, p);
  }
  return p;
}

const cmapOf = async (face: WholeFace) => (await load(face)).cmap;
const fontBytes = async (face: WholeFace) => (await load(face)).bytes;
