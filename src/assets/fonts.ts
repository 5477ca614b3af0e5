/**
 * The book's fonts, from @fontsource packages (static TrueType-flavoured
 * WOFF2, which Chromium embeds in PDFs as real subset fonts, not Type 3).
 * Each font is split by Unicode range, so readers and the printer load only
 * the pieces the text needs. No font is ever fetched from a CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface FontFile {
  /** Absolute path of the WOFF2 file in node_modules. */
  source: string;
  /** File name under the output's font folder. */
  name: string;
}

export interface FontFace {
  family: string;
  style: string;
  weight: string;
  unicodeRange?: string;
  file: FontFile;
}

/** package, weight-and-style stylesheets, and which subsets to keep (all when omitted). */
const FONTS: readonly { pkg: string; sheets: string[]; subsets?: RegExp }[] = [
  { pkg: '@fontsource/source-serif-4', sheets: ['400.css', '400-italic.css', '600.css', '700.css', '700-italic.css'], subsets: /-(latin|latin-ext|greek|cyrillic|cyrillic-ext)-/ },
  { pkg: '@fontsource/noto-serif-sc', sheets: ['400.css', '700.css'] },
  { pkg: '@fontsource/jetbrains-mono', sheets: ['400.css', '700.css'], subsets: /-(latin|latin-ext)-/ },
];

let cached: FontFace[] | undefined;

/** Every @font-face of the theme, parsed once from the packages' stylesheets. */
export function fontFaces(): FontFace[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const faces: FontFace[] = [];
  for (const font of FONTS) {
    const dir = path.dirname(require.resolve(`${font.pkg}/package.json`));
    for (const sheet of font.sheets) {
      const css = readFileSync(path.join(dir, sheet), 'utf8');
      for (const block of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
        const get = (prop: string) => new RegExp(`${prop}:\\s*([^;]+);`).exec(block)?.[1]?.trim();
        const url = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
        if (!url || (font.subsets && !font.subsets.test(url))) continue;
        faces.push({
          family: (get('font-family') ?? '').replace(/['"]/g, ''),
          style: get('font-style') ?? 'normal',
          weight: get('font-weight') ?? '400',
          unicodeRange: get('unicode-range'),
          file: { source: path.join(dir, 'files', url), name: url },
        });
      }
    }
  }
  cached = faces;
  return faces;
}

/** `@font-face` rules whose URLs point into `urlPrefix` (e.g. `fonts/`). */
export function fontFaceCss(faces: readonly FontFace[], urlPrefix: string): string {
  return faces
    .map(
      (f) =>
        `@font-face{font-family:"${f.family}";font-style:${f.style};font-weight:${f.weight};font-display:swap;` +
        `src:url("${urlPrefix}${f.file.name}") format("woff2");${f.unicodeRange ? `unicode-range:${f.unicodeRange};` : ''}}`,
    )
    .join('\n');
}

/** One whole font file: every glyph of one face (family × weight × style). */
export interface WholeFace {
  family: string;
  weight: 400 | 700;
  style: 'normal' | 'italic';
  /** Absolute path of the static TrueType file in node_modules. */
  source: string;
}

/**
 * The theme's faces as whole static TrueType files (Google Fonts' static
 * instances, shipped by @expo-google-fonts packages), for outputs that embed
 * one file per face: the EPUB. The @fontsource pieces above are the same
 * designs cut by Unicode range for the web; their files name the Chinese
 * faces `Noto Serif SC ExtraLight` (the variable font's default instance),
 * these carry the real names (`NotoSerifSC-Regular`, `NotoSerifSC-Bold`).
 */
/**
 * Scripts and symbols the theme's three fonts lack, which articles still
 * use: Arabic (Noto Naskh Arabic, a book face) and emoji (Noto Emoji, in
 * black and white as print and e-ink want them). They come last in the
 * stacks of the PDFs and the EPUB, so they draw only what nothing before
 * them has; the site leaves these to the reader's system fonts.
 */
export const FALLBACK_FAMILIES = ['Noto Naskh Arabic', 'Noto Emoji'] as const;
const FALLBACK_FONTS: readonly WholeFont[] = [
  { pkg: '@expo-google-fonts/noto-naskh-arabic', family: 'Noto Naskh Arabic', prefix: 'NotoNaskhArabic', faces: [[400, 'normal'], [700, 'normal']] },
  { pkg: '@expo-google-fonts/noto-emoji', family: 'Noto Emoji', prefix: 'NotoEmoji', faces: [[400, 'normal'], [700, 'normal']] },
];

/**
 * The math font: Noto Sans Math, whose OpenType MATH table Chromium lays
 * MathML out with (stretched brackets, fractions, radicals), and which has
 * the mathematical alphanumerics italic identifiers are drawn in. Used by
 * math alone, in every output (the site gets it only when the book has math).
 */
export const MATH_FAMILY = 'Noto Sans Math';
const MATH_FONT: WholeFont = { pkg: '@expo-google-fonts/noto-sans-math', family: MATH_FAMILY, prefix: 'NotoSansMath', faces: [[400, 'normal']] };

interface WholeFont {
  pkg: string;
  family: string;
  prefix: string;
  faces: readonly [WholeFace['weight'], WholeFace['style']][];
}
const WHOLE: readonly WholeFont[] = [
  { pkg: '@expo-google-fonts/source-serif-4', family: 'Source Serif 4', prefix: 'SourceSerif4', faces: [[400, 'normal'], [400, 'italic'], [700, 'normal'], [700, 'italic']] },
  { pkg: '@expo-google-fonts/noto-serif-sc', family: 'Noto Serif SC', prefix: 'NotoSerifSC', faces: [[400, 'normal'], [700, 'normal']] },
  { pkg: '@expo-google-fonts/jetbrains-mono', family: 'JetBrains Mono', prefix: 'JetBrainsMono', faces: [[400, 'normal'], [400, 'italic'], [700, 'normal'], [700, 'italic']] },
  ...FALLBACK_FONTS,
  MATH_FONT,
];

let cachedWhole: WholeFace[] | undefined;

export function wholeFaces(): WholeFace[] {
  if (cachedWhole) return cachedWhole;
  const require = createRequire(import.meta.url);
  const faces: WholeFace[] = [];
  for (const font of WHOLE) {
    const dir = path.dirname(require.resolve(`${font.pkg}/package.json`));
    for (const [weight, style] of font.faces) {
      const folder = `${weight}${weight === 400 ? 'Regular' : 'Bold'}${style === 'italic' ? '_Italic' : ''}`;
      faces.push({ family: font.family, weight, style, source: path.join(dir, folder, `${font.prefix}_${folder}.ttf`) });
    }
  }
  cachedWhole = faces;
  return faces;
}
