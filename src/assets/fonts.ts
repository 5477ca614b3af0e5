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
