/**
 * The language of an imported article: what the page declares, else Big5 or
 * traditional characters → `zh-TW`, else the project's script guess
 * (`zh-CN`, `ja`, `ko`), else `en`.
 */
import { guessLang } from '../content/lang.ts';

// Frequent characters that differ between the two scripts, pair by pair.
const TRADITIONAL = '這們會來說為國與時對個麼後還發開關義經點書學實體現應樣當從長問間裡邊將電話讓變認無語過歷報導記輯編圖讀寫聽見買賣車門東風馬鳥';
const SIMPLIFIED = '这们会来说为国与时对个么后还发开关义经点书学实体现应样当从长问间里边将电话让变认无语过历报导记辑编图读写听见买卖车门东风马鸟';

export function detectLang(text: string, encoding: string, declared?: string): string {
  const fromPage = declared ? normalizeLang(declared) : undefined;
  if (fromPage) return fromPage;
  const guessed = guessLang(text);
  if (guessed === 'zh-CN') return /big5|euc-tw/i.test(encoding) || isTraditional(text) ? 'zh-TW' : 'zh-CN';
  return guessed ?? 'en';
}

/** More traditional-only than simplified-only characters among the frequent ones. */
export function isTraditional(text: string): boolean {
  let t = 0;
  let s = 0;
  for (const ch of text.slice(0, 6000)) {
    if (TRADITIONAL.includes(ch)) t++;
    else if (SIMPLIFIED.includes(ch)) s++;
  }
  return t > s;
}

/** `zh-cn` → `zh-CN`, `zh-Hans` → `zh-CN`, `zh-Hant` → `zh-TW`, `en_US` → `en-US`; undefined when not a language tag. */
export function normalizeLang(tag: string): string | undefined {
  const parts = tag.trim().replace(/_/g, '-').split('-').filter(Boolean);
  if (!parts.length || !/^[a-z]{2,3}$/i.test(parts[0]!) || parts.slice(1).some((p) => !/^[a-z0-9]{2,8}$/i.test(p))) return undefined;
  const [primary, ...rest] = parts.map((p) => p.toLowerCase());
  if (primary === 'zh') {
    if (rest.includes('hant') || rest.some((p) => ['tw', 'hk', 'mo'].includes(p))) return rest.includes('hk') ? 'zh-HK' : rest.includes('mo') ? 'zh-MO' : 'zh-TW';
    return 'zh-CN';
  }
  return [primary, ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p.length === 4 ? p[0]!.toUpperCase() + p.slice(1) : p))].join('-');
}
