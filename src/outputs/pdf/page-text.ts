/**
 * The text of each page of a PDF that Chromium printed, in the order it was
 * painted, for finding where the book's pages begin in other outputs (the
 * EPUB's page list, src/outputs/epub/page-breaks.ts).
 *
 * Chromium (Skia) writes text simply: `/F5 11.33 Tf` selects a font, and
 * `<0011001c> Tj` (or `[…] TJ`) shows glyph codes, two bytes each for its
 * Type0 fonts, one for its Type3 ones; every font has a ToUnicode map, and
 * a glyph that stands for several characters, or for characters in another
 * order, sits inside `/Span <</ActualText (…)>> BDC … EMC`, whose text is
 * taken instead. Marked content tagged `/Artifact` (page furniture) is left
 * out. Text objects (`BT … ET`) are separated by a space. Form XObjects are
 * not entered: Chromium draws text on the page itself.
 */
import type { PDFContext } from 'pdf-lib';
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { matchText, OPENING_LENGTH } from '../book-pages.ts';
import { collectPages } from './assemble.ts';
import { parseToUnicode } from './font-merge.ts';
import { getDict, getName, getRef, lookup, parsePdf, streamBytes } from './pdf-file.ts';

interface FontText {
  /** Bytes per code: 2 for Type0 fonts, else 1. */
  width: 1 | 2;
  unicode: Map<number, string>;
}

/** The painted text of every page of `pdf`, in page order; with `limit`, about that many characters of each page's beginning. */
export async function pageTexts(pdf: Uint8Array, limit = Infinity): Promise<string[]> {
  const ctx = await parsePdf(pdf);
  const root = ctx.trailerInfo.Root;
  const catalog = root instanceof PDFRef ? ctx.lookup(root) : undefined;
  if (!(catalog instanceof PDFDict)) return [];
  const fonts = new Map<string, FontText | undefined>();
  return collectPages(ctx, catalog).refs.map((ref) => {
    const page = ctx.lookup(ref);
    return page instanceof PDFDict ? pageText(ctx, page, fonts, limit) : '';
  });
}

function pageText(ctx: PDFContext, page: PDFDict, cache: Map<string, FontText | undefined>, limit: number): string {
  const resources = getDict(ctx, page, 'Resources');
  const fontDict = resources && getDict(ctx, resources, 'Font');
  const fontOf = (name: string): FontText | undefined => {
    const r = fontDict?.get(PDFName.of(name));
    const key = r instanceof PDFRef ? r.toString() : `${name}@${String(page)}`;
    if (!cache.has(key)) cache.set(key, readFont(ctx, lookup(ctx, r)));
    return cache.get(key);
  };
  const contents = lookup(ctx, page.get(PDFName.of('Contents')));
  const streams = contents instanceof PDFArray ? contents.asArray().map((c) => lookup(ctx, c)) : [contents];
  const chunks: string[] = [];
  for (const s of streams) if (s instanceof PDFRawStream) chunks.push(Buffer.from(streamBytes(s)).toString('latin1'));
  return showText(chunks.join('\n'), fontOf, limit);
}

function readFont(ctx: PDFContext, font: unknown): FontText | undefined {
  if (!(font instanceof PDFDict)) return undefined;
  const toUnicode = lookup(ctx, getRef(font, 'ToUnicode'));
  if (!(toUnicode instanceof PDFRawStream)) return undefined;
  try {
    return { width: getName(font, 'Subtype') === 'Type0' ? 2 : 1, unicode: parseToUnicode(Buffer.from(streamBytes(toUnicode)).toString('latin1')) };
  } catch {
    return undefined;
  }
}

type Operand = number | string | { name: string } | { bytes: string } | Operand[] | { dict: Record<string, Operand> };

/** Runs a content stream's text operators and returns what they show. */
export function showText(content: string, fontOf: (name: string) => FontText | undefined, limit = Infinity): string {
  let out = '';
  let font: FontText | undefined;
  const stack: Operand[] = [];
  // Marked content: whether each level is an artifact, or replaces its glyphs by ActualText.
  const marked: { artifact: boolean; actual: boolean }[] = [];
  const hidden = () => marked.some((m) => m.artifact || m.actual);
  const show = (bytes: string) => {
    if (!font || hidden()) return;
    for (let i = 0; i + font.width <= bytes.length; i += font.width) {
      const code = font.width === 2 ? (bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1) : bytes.charCodeAt(i);
      const hex = font.unicode.get(code);
      if (hex) out += utf16(hex);
    }
  };
  for (const token of tokens(content)) {
    if (out.length >= limit) break;
    if (typeof token !== 'object' || !('op' in token)) {
      stack.push(token);
      continue;
    }
    switch (token.op) {
      case 'Tf': {
        const name = stack[stack.length - 2];
        if (name && typeof name === 'object' && 'name' in name) font = fontOf(name.name);
        break;
      }
      case 'Tj':
      case "'":
      case '"': {
        const s = stack[stack.length - 1];
        if (s && typeof s === 'object' && 'bytes' in s) show(s.bytes);
        break;
      }
      case 'TJ': {
        const a = stack[stack.length - 1];
        if (Array.isArray(a)) for (const s of a) if (s && typeof s === 'object' && 'bytes' in s) show(s.bytes);
        break;
      }
      case 'BT':
        if (out && !out.endsWith(' ')) out += ' ';
        break;
      case 'BMC':
      case 'BDC': {
        const tag = stack[stack.length - (token.op === 'BDC' ? 2 : 1)];
        const props = token.op === 'BDC' ? stack[stack.length - 1] : undefined;
        const actual = props && typeof props === 'object' && 'dict' in props ? props.dict.ActualText : undefined;
        const artifact = Boolean(tag && typeof tag === 'object' && 'name' in tag && tag.name === 'Artifact');
        if (actual && typeof actual === 'object' && 'bytes' in actual && !hidden()) out += textString(actual.bytes);
        marked.push({ artifact, actual: actual !== undefined });
        break;
      }
      case 'EMC':
        marked.pop();
        break;
    }
    stack.length = 0;
  }
  return out;
}

/** A PDF text string (UTF-16BE with a byte-order mark, else PDFDocEncoding, taken as Latin-1). */
function textString(bytes: string): string {
  if (bytes.startsWith('\xfe\xff')) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1));
    return s;
  }
  return bytes;
}

function utf16(hex: string): string {
  let s = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return s;
}

const DELIMITER = /[\s()<>[\]{}/%]/;

/** The tokens of a content stream: operands, and operators as `{ op }`; inline images are skipped. */
function* tokens(s: string): Generator<Operand | { op: string }> {
  let i = 0;
  const n = s.length;
  const arrays: Operand[][] = [];
  const dicts: Operand[][] = [];
  const emit = function* (value: Operand): Generator<Operand | { op: string }> {
    const target = dicts.length ? dicts[dicts.length - 1] : arrays.length ? arrays[arrays.length - 1] : undefined;
    if (target) target.push(value);
    else yield value;
  };
  while (i < n) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '%') {
      while (i < n && s[i] !== '\n' && s[i] !== '\r') i++;
    } else if (c === '/') {
      let j = i + 1;
      while (j < n && !DELIMITER.test(s[j]!)) j++;
      const name = s.slice(i + 1, j).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      i = j;
      yield* emit({ name });
    } else if (c === '(') {
      let depth = 1;
      let bytes = '';
      i++;
      while (i < n && depth > 0) {
        const d = s[i]!;
        if (d === '\\') {
          const e = s[i + 1] ?? '';
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
          if (/[0-7]/.test(e)) {
            const m = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))![0];
            bytes += String.fromCharCode(parseInt(m, 8) & 0xff);
            i += 1 + m.length;
          } else if (e === '\r' || e === '\n') {
            i += e === '\r' && s[i + 2] === '\n' ? 3 : 2;
          } else {
            bytes += escapes[e] ?? e;
            i += 2;
          }
          continue;
        }
        if (d === '(') depth++;
        if (d === ')' && --depth === 0) {
          i++;
          break;
        }
        bytes += d;
        i++;
      }
      yield* emit({ bytes });
    } else if (c === '<' && s[i + 1] === '<') {
      dicts.push([]);
      i += 2;
    } else if (c === '>' && s[i + 1] === '>') {
      const items = dicts.pop() ?? [];
      const dict: Record<string, Operand> = {};
      for (let k = 0; k + 1 < items.length; k += 2) {
        const key = items[k];
        if (key && typeof key === 'object' && 'name' in key) dict[key.name] = items[k + 1]!;
      }
      i += 2;
      yield* emit({ dict });
    } else if (c === '<') {
      const end = s.indexOf('>', i);
      const hex = s.slice(i + 1, end < 0 ? n : end).replace(/\s+/g, '');
      let bytes = '';
      for (let k = 0; k < hex.length; k += 2) bytes += String.fromCharCode(parseInt(hex.slice(k, k + 2).padEnd(2, '0'), 16));
      i = end < 0 ? n : end + 1;
      yield* emit({ bytes });
    } else if (c === '[') {
      arrays.push([]);
      i++;
    } else if (c === ']') {
      const items = arrays.pop() ?? [];
      i++;
      yield* emit(items);
    } else {
      let j = i;
      while (j < n && !DELIMITER.test(s[j]!)) j++;
      if (j === i) j++;
      const word = s.slice(i, j);
      i = j;
      const num = Number(word);
      if (word !== '' && !Number.isNaN(num) && /^[+-]?(\d|\.\d)/.test(word)) {
        yield* emit(num);
      } else if (word === 'BI') {
        // An inline image: its data runs to `EI`.
        const end = s.indexOf('EI', s.indexOf('ID', i));
        i = end < 0 ? n : end + 2;
      } else if (word === 'true' || word === 'false' || word === 'null') {
        yield* emit(word);
      } else {
        yield { op: word };
      }
    }
  }
}

/**
 * How each page of a printed article begins: `OPENING_LENGTH` characters of
 * its text as `matchText` leaves them, after the running head (one of
 * `heads`) that Chromium paints before the page's body.
 */
export async function pageOpenings(pdf: Uint8Array, heads: readonly string[]): Promise<string[]> {
  const skip = heads.map(matchText).filter(Boolean);
  // Enough of each page for its running head and opening, with room for spaces and punctuation.
  const limit = 3 * (OPENING_LENGTH + Math.max(0, ...heads.map((h) => h.length))) + 64;
  return (await pageTexts(pdf, limit)).map((t) => {
    let text = matchText(t);
    const head = skip.find((h) => text.startsWith(h));
    if (head) text = text.slice(head.length);
    return text.slice(0, OPENING_LENGTH);
  });
}
