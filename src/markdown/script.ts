/**
 * Which script a piece of text is written in, for the plugins that treat
 * text by its script: its letters counted by script, the direction of its
 * first strong character, and a language for a passage in another script
 * than its article's.
 */
import { francAll } from 'franc';

export interface ScriptCounts {
  /** Han, kana and hangul: a CJK character carries about as much as a short Latin word. */
  cjk: number;
  han: number;
  kana: number;
  hangul: number;
  latin: number;
  arabic: number;
  hebrew: number;
  cyrillic: number;
  greek: number;
}

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL = /\p{Script=Hangul}/u;
const LATIN = /\p{Script=Latin}/u;
const ARABIC = /\p{Script=Arabic}/u;
const HEBREW = /\p{Script=Hebrew}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const GREEK = /\p{Script=Greek}/u;
const LETTER = /\p{L}/u;

export function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = { cjk: 0, han: 0, kana: 0, hangul: 0, latin: 0, arabic: 0, hebrew: 0, cyrillic: 0, greek: 0 };
  for (const ch of text) {
    if (ch < 'A') continue;
    if (ch <= 'z') {
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) c.latin++;
      continue;
    }
    if (!LETTER.test(ch)) continue;
    if (HAN.test(ch)) c.han++;
    else if (KANA.test(ch)) c.kana++;
    else if (HANGUL.test(ch)) c.hangul++;
    else if (LATIN.test(ch)) c.latin++;
    else if (ARABIC.test(ch)) c.arabic++;
    else if (HEBREW.test(ch)) c.hebrew++;
    else if (CYRILLIC.test(ch)) c.cyrillic++;
    else if (GREEK.test(ch)) c.greek++;
  }
  c.cjk = c.han + c.kana + c.hangul;
  return c;
}

export type Script = 'cjk' | 'latin' | 'arabic' | 'hebrew' | 'cyrillic' | 'greek';

/**
 * The script most of the text's letters are in (a CJK character counted as
 * four letters), or undefined when it has no letters.
 */
export function mainScript(c: ScriptCounts): Script | undefined {
  const weights: [Script, number][] = [
    ['cjk', c.cjk * 4],
    ['latin', c.latin],
    ['arabic', c.arabic],
    ['hebrew', c.hebrew],
    ['cyrillic', c.cyrillic],
    ['greek', c.greek],
  ];
  let best: [Script, number] | undefined;
  for (const w of weights) if (w[1] > 0 && (!best || w[1] > best[1])) best = w;
  return best?.[0];
}

/** The script a language is written in (its usual one), for comparing with a passage's. */
export function scriptOfLang(lang: string): Script {
  const l = lang.toLowerCase();
  if (/^(zh|ja|ko|yue|cmn|wuu)\b/.test(l)) return 'cjk';
  if (/^(ar|fa|ur|ps|ckb|sd|ug)\b/.test(l)) return 'arabic';
  if (/^(he|yi)\b/.test(l)) return 'hebrew';
  if (/^(ru|uk|be|bg|sr|mk|kk|ky|mn|tg)\b/.test(l)) return 'cyrillic';
  if (/^el\b/.test(l)) return 'greek';
  return 'latin';
}

/** Languages franc may answer for each script, with their BCP 47 tags. */
const CANDIDATES: Readonly<Record<Exclude<Script, 'cjk'>, Readonly<Record<string, string>>>> = {
  latin: {
    eng: 'en', deu: 'de', fra: 'fr', spa: 'es', ita: 'it', por: 'pt', nld: 'nl', fin: 'fi', swe: 'sv', nob: 'nb', dan: 'da',
    pol: 'pl', ces: 'cs', slk: 'sk', hun: 'hu', ron: 'ro', tur: 'tr', vie: 'vi', ind: 'id', hrv: 'hr', slv: 'sl', est: 'et',
    lav: 'lv', lit: 'lt', cat: 'ca', lat: 'la',
  },
  arabic: { arb: 'ar', pes: 'fa', urd: 'ur' },
  hebrew: {},
  cyrillic: { rus: 'ru', ukr: 'uk', bel: 'be', bul: 'bg', srp: 'sr', mkd: 'mk', kaz: 'kk' },
  greek: {},
};
const FALLBACK: Readonly<Record<Exclude<Script, 'cjk'>, string>> = { latin: 'en', arabic: 'ar', hebrew: 'he', cyrillic: 'ru', greek: 'el' };
/**
 * Below this many letters franc guesses wildly (project names and short
 * English titles come out Dutch, French or Romanian): the script's usual
 * language is used.
 */
const MIN_LETTERS = 60;

/**
 * A BCP 47 tag for a passage whose letters are mostly in `script`: franc's
 * guess among the script's common languages when the passage is long enough
 * to tell (English when that is its second guess), else the script's most
 * common language (English for Latin).
 */
export function detectLang(text: string, script: Script, counts: ScriptCounts): string {
  if (script === 'cjk') return counts.hangul > counts.cjk / 2 ? 'ko' : counts.kana > counts.cjk / 10 ? 'ja' : 'zh';
  const candidates = CANDIDATES[script];
  const letters = counts[script];
  const only = Object.keys(candidates);
  if (letters >= MIN_LETTERS && only.length > 1) {
    const scores = francAll(text, { only, minLength: MIN_LETTERS });
    const [guess] = scores[0] ?? [];
    // Technical English reads as many languages: English when it is franc's first or second guess.
    if (script === 'latin' && scores.slice(0, 2).some(([code]) => code === 'eng')) return 'en';
    if (guess && guess in candidates) return candidates[guess]!;
  }
  return FALLBACK[script];
}

const RTL_STRONG = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;

/**
 * The direction of the text's first strong character (rule P2 of the
 * Unicode bidirectional algorithm, letters only): `rtl`, `ltr`, or
 * undefined when it has no letters.
 */
export function firstStrongDirection(text: string): 'rtl' | 'ltr' | undefined {
  for (const ch of text) {
    if (ch < 'A') continue;
    if (!LETTER.test(ch)) continue;
    return RTL_STRONG.test(ch) ? 'rtl' : 'ltr';
  }
  return undefined;
}

/** Han, kana, hangul, CJK punctuation and full-width forms. */
export const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
