/** Guesses a text's language from its script, for articles that do not say. */

/** `zh-CN`, `ja`, `ko`, or undefined when the text is not mostly CJK. */
export function guessLang(text: string): string | undefined {
  const sample = text.slice(0, 4000);
  let han = 0;
  let kana = 0;
  let hangul = 0;
  let latin = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) han++;
    else if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if (c >= 0xac00 && c <= 0xd7af) hangul++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  const cjk = han + kana + hangul;
  // A CJK character carries about as much as a short Latin word.
  if (cjk === 0 || cjk * 4 < latin) return undefined;
  if (kana > cjk / 10) return 'ja';
  if (hangul > cjk / 2) return 'ko';
  return 'zh-CN';
}
