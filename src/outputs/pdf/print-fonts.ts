/**
 * The fonts of print. Everything is set in the book's own fonts (@fontsource
 * TrueType, which Chromium embeds as real subset fonts): a character they do
 * not have would come from a system font, which Chromium embeds as Type 3.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import subsetFont from 'subset-font';
import { FALLBACK_FAMILIES, fontFaceCss, fontFaces, MATH_FAMILY, wholeFaces } from '../../assets/fonts.ts';
import type { FontNames } from './ttf.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/**
 * Chinese text is set from one font file per weight (the Simplified Chinese
 * subset of Noto Serif SC) rather than the ~100 unicode-range pieces the site
 * uses: consecutive characters then share a font, which keeps the PDF's text
 * runs whole (and small), and the book's font merges into one. The pieces
 * stay behind it for characters outside the subset. print.css names it.
 */
const PRINT_CJK_FAMILY = 'Noto Serif SC Print';
const PRINT_CJK_FILES = [
  { weight: 400, file: 'noto-serif-sc-chinese-simplified-400-normal.woff2' },
  { weight: 700, file: 'noto-serif-sc-chinese-simplified-700-normal.woff2' },
];

/** The print fonts' @font-face rules (URLs below `urlPrefix`) and their files by name. */
export function printFonts(urlPrefix: string): { css: string; files: Map<string, string> } {
  // The site's faces, Greek and Cyrillic included (a letter missing in print would come from a system font, as Type 3).
  const faces = fontFaces();
  const files = new Map<string, string>(faces.map((f) => [f.file.name, f.file.source]));
  const cjkDir = path.join(packageDir('@fontsource/noto-serif-sc'), 'files');
  const cjk = PRINT_CJK_FILES.map(({ weight, file }) => {
    files.set(file, path.join(cjkDir, file));
    return `@font-face{font-family:"${PRINT_CJK_FAMILY}";font-style:normal;font-weight:${weight};font-display:block;src:url("${urlPrefix}${file}") format("woff2");}`;
  });
  // Arabic and emoji, which the theme's fonts lack, and the math font: whole fonts, loaded only by a page that uses them.
  const fallbacks = wholeFaces()
    .filter((f) => (FALLBACK_FAMILIES as readonly string[]).includes(f.family) || f.family === MATH_FAMILY)
    .map((f) => {
      const name = path.basename(f.source);
      files.set(name, f.source);
      return `@font-face{font-family:"${f.family}";font-style:${f.style};font-weight:${f.weight};font-display:block;src:url("${urlPrefix}${name}") format("truetype");}`;
    });
  // font-display: block rather than the site's swap: a print never shows a fallback.
  const css = [...cjk, fontFaceCss(faces, urlPrefix).replace(/font-display:swap/g, 'font-display:block'), ...fallbacks].join('\n');
  return { css, files };
}

let realNames: Map<string, FontNames> | undefined;

/**
 * The real names of print faces whose files carry wrong ones, by the
 * PostScript name Chromium writes into the PDF. @fontsource cut Noto Serif
 * SC from the variable font and kept the names of its default instance:
 * every piece, regular or bold, says it is `Noto Serif SC ExtraLight`
 * (`NotoSerifSCExtraLight-Regular`, `-Bold`). The PDF writer renames them
 * (BaseFont, FontName and the embedded font's `name` table) so that PDF tools
 * and font menus see `NotoSerifSC-Regular` and `NotoSerifSC-Bold`.
 */
export function realFontNames(): ReadonlyMap<string, FontNames> {
  if (realNames) return realNames;
  const names = new Map<string, FontNames>();
  const seen = new Set<string>();
  for (const face of fontFaces()) {
    const key = `${face.family}/${face.weight}/${face.style}`;
    if (seen.has(key) || !['400', '700'].includes(face.weight)) continue;
    seen.add(key);
    const bold = face.weight === '700';
    const italic = face.style === 'italic';
    const subfamily = bold ? (italic ? 'Bold Italic' : 'Bold') : italic ? 'Italic' : 'Regular';
    const postscript = `${face.family.replace(/\s+/g, '')}-${subfamily.replace(/\s+/g, '')}`;
    const actual = (fontkit.create(readFileSync(face.file.source)) as { postscriptName: string }).postscriptName;
    if (actual && actual !== postscript) names.set(actual, { family: face.family, subfamily, full: `${face.family} ${subfamily}`, postscript });
  }
  realNames = names;
  return names;
}

/** Source Serif 4's Latin regular as WOFF 1.0, for the page numbers (folio.ts). */
export function folioFontFile(): string {
  const face = fontFaces().find((f) => f.family === 'Source Serif 4' && f.weight === '400' && f.style === 'normal' && /-latin-400-normal/.test(f.file.name));
  if (!face) throw new Error('Source Serif 4 is missing from the fonts');
  return face.file.source.replace(/\.woff2$/, '.woff');
}

const GENERIC_FAMILIES = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif', 'ui-monospace', 'ui-rounded', 'math', 'emoji', 'fangsong', 'inherit', 'initial', 'unset']);

/**
 * An SVG image cannot load fonts from outside itself, so its text would be
 * set in a system font (embedded as Type 3, for Chinese). Every font family
 * the image names gets the book's Chinese faces (which have Latin too),
 * inlined as data: URLs; only images with text pay for it. The faces are,
 * in the order Chromium tries them: the single-file face the articles use
 * (so the image's glyphs join the book's one font when the PDF is
 * assembled), the site's pieces, and last the whole Noto Serif SC cut down
 * to the image's characters (subset-font), for a rare character that
 * neither has (齉 came out as Type 3).
 */
export function svgWithFonts(svg: string): Promise<string> {
  // Every print run of a build (the book, the print interior, each edition) serves the same images:
  // each is cut once. A few are kept, for the dev server's rebuilds.
  let done = withFonts.get(svg);
  if (!done) {
    done = addFonts(svg);
    withFonts.set(svg, done);
    if (withFonts.size > 32) withFonts.delete(withFonts.keys().next().value!);
  }
  return done;
}

const withFonts = new Map<string, Promise<string>>();

async function addFonts(svg: string): Promise<string> {
  const cjkDir = path.join(packageDir('@fontsource/noto-serif-sc'), 'files');
  const families = new Set<string>();
  for (const m of svg.matchAll(/font-family\s*(?:=\s*(?:"([^"]*)"|'([^']*)')|:\s*([^;"}]+))/g)) {
    for (const name of (m[1] ?? m[2] ?? m[3] ?? '').split(',')) {
      const family = name.trim().replace(/^(['"])(.*)\1$/, '$2').trim();
      if (family && !GENERIC_FAMILIES.has(family.toLowerCase())) families.add(family);
    }
  }
  if (families.size === 0 || !/<text\b/.test(svg)) return svg;
  const open = /<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const bold = /font-weight\s*(?:=\s*["']?|:\s*)(?:bold|[6-9]00)/.test(svg);
  const text = decodeEntities(svg.replace(/<[^>]*>/g, ''));
  const chars = new Set([...text].map((c) => c.codePointAt(0)!).filter((c) => c >= 0x2e80));
  const pieces = fontFaces().filter(
    (f) => f.family === 'Noto Serif SC' && (f.weight === '400' || bold) && f.unicodeRange && [...chars].some((c) => inRange(f.unicodeRange!, c)),
  );
  const weights = (w: number | string) => (Number(w) < 550 ? '100 549' : '550 900');
  const whole = await Promise.all(
    wholeFaces()
      .filter((f) => f.family === 'Noto Serif SC' && f.style === 'normal' && (f.weight === 400 || bold))
      .map(async (f) => ({ weight: weights(f.weight), range: undefined, data: await subsetFont(readFileSync(f.source), text, { targetFormat: 'woff2' }) })),
  );
  // Declared later, a face is tried earlier: the whole font's cut first in the list, the single-file face last.
  const faces = [
    ...whole,
    ...pieces.map((f) => ({ weight: weights(f.weight), range: f.unicodeRange, data: readFileSync(f.file.source) })),
    ...PRINT_CJK_FILES.filter((f) => f.weight === 400 || bold).map((f) => ({ weight: weights(f.weight), range: undefined, data: readFileSync(path.join(cjkDir, f.file)) })),
  ];
  const css = [...families]
    .flatMap((family) =>
      faces.map(
        (f) =>
          `@font-face{font-family:"${family.replace(/["\\<>&]/g, '')}";font-weight:${f.weight};${f.range ? `unicode-range:${f.range};` : ''}src:url(data:font/woff2;base64,${f.data.toString('base64')}) format("woff2");}`,
      ),
    )
    .join('');
  const at = open.index + open[0].length;
  return `${svg.slice(0, at)}<style>${css}</style>${svg.slice(at)}`;
}

/** Whether a CSS unicode-range (`U+4E00-4E1F, U+3000`) holds a code point. */
function inRange(range: string, cp: number): boolean {
  return range.split(',').some((part) => {
    const [lo = '', hi] = part.trim().replace(/^U\+/i, '').split('-');
    return cp >= parseInt(lo, 16) && cp <= parseInt(hi ?? lo, 16);
  });
}

/** The text of XML character data: numeric and the five named references decoded. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (all, hex?: string, dec?: string, name?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (named[name!.toLowerCase()] ?? all),
  );
}

