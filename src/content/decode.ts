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
  const pick = candidates.find((c) => /^(GB18030|GBK|GB2312|Big5|EUC-TW|UTF-16LE|UTF-16BE|Shift_JIS|EUC-JP|EUC-KR|windows-125\d|ISO-8859-\d+)$/i.test(c.name));
  const name = pick?.name ?? 'GB18030';
  // GB18030 is a superset of GBK and GB2312: decode with it whichever was detected.
  const encoding = /^(GBK|GB2312)$/i.test(name) ? 'GB18030' : name;
  return { text: normalize(iconv.decode(Buffer.from(bytes), encoding)), encoding, guessed: true };
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
