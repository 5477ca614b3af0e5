/**
 * What two copies of one article share however they were clipped: the
 * source address without tracking, fragment, trailing slash, `www.` or `m.`;
 * and the text without whitespace, punctuation, case, width or the
 * difference between Traditional and Simplified characters.
 */
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';

/** Query parameters that say who sent the reader, not which page it is. */
const TRACKING = /^(utm_.*|spm|from|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref|ref_src|share_token|scene|chksm|sharer_.*|isappinstalled|wxshare_count|share_source|share_medium|xtrack|track_id)$/i;

/** A source address as one key for every way it is linked: `https://m.example.com/a/?utm_source=x#top` → `example.com/a`. */
export function normalizeUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(u.protocol)) return undefined;
  const host = u.hostname.toLowerCase().replace(/^(?:www\d*|m|mobile|amp)\./, '');
  const params = [...u.searchParams].filter(([k]) => !TRACKING.test(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length ? '?' + new URLSearchParams(params).toString() : '';
  let pathname = u.pathname.replace(/\/+$/, '').replace(/\/(?:index|default)\.(?:html?|php|aspx?)$/i, '');
  try {
    pathname = decodeURI(pathname);
  } catch {
    // Kept as written.
  }
  return `${host}${pathname}${query}`;
}

let toSimplified: Map<number, number> | undefined;

/** Traditional (and Taiwan and Hong Kong variant) characters to Simplified, one character for one. */
function simplifiedMap(): Map<number, number> {
  if (toSimplified) return toSimplified;
  const map = new Map<number, number>();
  // Variants first, so that 裡 becomes 裏 and then 里.
  for (const dict of [TWVariantsRev, HKVariantsRev, TSCharacters]) {
    for (const pair of (dict as string).split('|')) {
      const [from, to] = pair.split(' ');
      if (!from || !to || [...from].length !== 1 || [...to].length !== 1) continue;
      const f = from.codePointAt(0)!;
      const t = to.codePointAt(0)!;
      map.set(f, map.get(t) ?? t);
    }
  }
  toSimplified = map;
  return map;
}

let table: Uint32Array | undefined;

/**
 * For every character of the Basic Multilingual Plane, what a fingerprint
 * keeps of it: 0 for whitespace and punctuation, else the character lower
 * case, NFKC-folded (full-width `Ａ` is `a`) and Simplified; filled in as
 * characters are met.
 */
function foldTable(): Uint32Array {
  return (table ??= new Uint32Array(0x10000).fill(UNKNOWN));
}

const UNKNOWN = 0xffffffff;
const KEEP = /^[\p{L}\p{N}]$/u;

/** What the table holds for `c`, worked out the first time it is met. */
function fold(t: Uint32Array, c: number): number {
  const folded = String.fromCharCode(c).normalize('NFKC').toLowerCase();
  let v = 0;
  if (folded.length === 1 && KEEP.test(folded)) {
    const cp = folded.charCodeAt(0);
    v = simplifiedMap().get(cp) ?? cp;
  }
  t[c] = v;
  return v;
}

/** The text as a fingerprint sees it, as code points: letters and digits only, lower case, full-width folded, Traditional as Simplified. */
export function normalizedCodes(text: string): Uint32Array {
  const t = foldTable();
  const map = simplifiedMap();
  const out = new Uint32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // Beyond the BMP (CJK Extension B…): kept, mapped when it has a Simplified form.
      const cp = text.codePointAt(i)!;
      i++;
      out[n++] = map.get(cp) ?? cp;
      continue;
    }
    let v = t[c]!;
    if (v === UNKNOWN) v = fold(t, c);
    if (v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/** normalizedCodes as a string (for tests and messages). */
export function normalizeText(text: string): string {
  return String.fromCodePoint(...normalizedCodes(text));
}
