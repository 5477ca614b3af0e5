/**
 * Turns a file's bytes into text: UTF-8 (with or without a byte-order mark),
 * UTF-16 with a mark, or a legacy Chinese encoding (GB18030, Big5) detected
 * from the bytes. Line endings become `\n`.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';

export interface Decoded {
  text: string;
  encoding: string;
  /** Set when the encoding was guessed rather than known. */
  guessed: boolean;
  /** Set when the bytes could not be decoded without loss; `encoding` is the likeliest one. */
  failed?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decode(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: normalize(utf8.decode(bytes.subarray(3))), encoding: 'utf-8', guessed: false };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: normalize(iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le')), encoding: 'utf-16le', guessed: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: normalize(iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be')), encoding: 'utf-16be', guessed: false };
  try {
    return { text: normalize(utf8.decode(bytes)), encoding: 'utf-8', guessed: false };
  } catch {
    // Not UTF-8: guess among the encodings Chinese writers actually meet.
  }
  const candidates = chardet.analyse(bytes);
  const best = candidates[0];
  // Only the legacy encodings Chinese writers meet are decoded; anything else
  // would risk mojibake, so it is refused with the likeliest name.
  const pick = candidates.find((c) => /^(GB18030|GBK|GB2312|Big5|EUC-TW)$/i.test(c.name) && c.confidence >= 30);
  if (!pick) return { text: '', encoding: best?.name ?? 'unknown', guessed: true, failed: true };
  // GB18030 is a superset of GBK and GB2312: decode with it whichever was detected.
  const encoding = /^(GBK|GB2312)$/i.test(pick.name) ? 'GB18030' : /^EUC-TW$/i.test(pick.name) ? 'Big5' : pick.name;
  const text = iconv.decode(Buffer.from(bytes), encoding);
  const invalid = (text.match(/\uFFFD/g) ?? []).length;
  if (invalid > 0) return { text: '', encoding, guessed: true, failed: true };
  return { text: normalize(text), encoding, guessed: true };
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
