/**
 * Which characters of a text node were written as backslash escapes (`\"`)
 * or character references (`&quot;`) in the source: the author asked for
 * exactly that character, so typographic plugins leave it alone. Found by
 * walking the node's value along its source (container markers, indentation
 * and removed line breaks are skipped).
 */
import type { Text } from 'mdast';
import type { VFile } from 'vfile';

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const REFERENCE = /^&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/;

/** Offsets (UTF-16) in `node.value` of the characters written as escapes or references. */
export function literalOffsets(node: Text, file: VFile): Set<number> {
  const literal = new Set<number>();
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return literal;
  const source = String(file.value);
  const value = node.value;
  if (!source.slice(start, end).match(/[\\&]/)) return literal;
  let s = start;
  for (let v = 0; v < value.length && s < end; ) {
    const c = value[v]!;
    if (source[s] === '\\' && source[s + 1] === c && ASCII_PUNCTUATION.test(c)) {
      literal.add(v);
      v++;
      s += 2;
      continue;
    }
    if (source[s] === '&') {
      const ref = REFERENCE.exec(source.slice(s, s + 40))?.[0];
      // A reference this table does not know decoded to one character (to "&" when it is not a reference at all).
      const known = ref ? decodeReference(ref) : undefined;
      const decoded = known ?? (ref && c !== '&' ? String.fromCodePoint(value.codePointAt(v)!) : undefined);
      if (ref && decoded && value.startsWith(decoded, v)) {
        for (let k = 0; k < decoded.length; k++) literal.add(v + k);
        v += decoded.length;
        s += ref.length;
        continue;
      }
    }
    if (source[s] === c) v++;
    s++;
  }
  return literal;
}

const NAMED: Readonly<Record<string, string>> = {
  quot: '"', apos: "'", amp: '&', lt: '<', gt: '>', nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', grave: '`', period: '.', hyphen: '-', dash: '‐', minus: '−',
};

function decodeReference(ref: string): string | undefined {
  const body = ref.slice(1, -1);
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  }
  // Named references other than these decode to characters the typographic plugins do not change.
  return NAMED[body];
}
