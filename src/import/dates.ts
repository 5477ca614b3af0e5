/**
 * Dates as news sites write them (`2024-05-01 08:30`, `2024年5月1日 08:30`,
 * `2024/5/1`, ISO 8601 in meta tags, `November 14, 2023`) turned into front
 * matter dates.
 *
 * The rule: a time is written only together with its zone
 * (`2024-05-01T08:30:00+08:00`); a time whose zone is not stated — most
 * Chinese sites — gives the date alone. Nothing is assumed about zones: a
 * zone-less date-time would be read in whatever zone the reader's computer
 * is in, and the Atom feed needs one.
 */

export interface FoundDate {
  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS±HH:MM`. */
  value: string;
  /** Where the date text starts and ends in the string searched. */
  start: number;
  end: number;
}

/** Explicit zones written next to a time; only unambiguous names. */
const ZONE_NAMES: Record<string, string> = {
  北京时间: '+08:00',
  北京時間: '+08:00',
  台北时间: '+08:00',
  台北時間: '+08:00',
  香港时间: '+08:00',
  香港時間: '+08:00',
  东京时间: '+09:00',
  東京時間: '+09:00',
};

const CJK_OR_DASHED_DATE = String.raw`(\d{4})\s*(?:[-/.]|年\s*)(\d{1,2})\s*(?:[-/.]|月\s*)(\d{1,2})(?:\s*日)?`;
const WEEKDAY = String.raw`(?:\s*[（(]?(?:星期|周|週|禮拜|礼拜)[一二三四五六日天][)）]?)?`;
const TIME = String.raw`(?:[T\s]*(\d{1,2})\s*[:：时時点點]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?`;
const ZONE = String.raw`(?:\s*[（(]?\s*(Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|${Object.keys(ZONE_NAMES).join('|')})\s*[)）]?)?`;
const DATE_RE = new RegExp(`(?<![\\d])${CJK_OR_DASHED_DATE}(?![\\d])${WEEKDAY}${TIME}${ZONE}`, 'u');

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = String.raw`(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const ENGLISH_MDY = new RegExp(String.raw`\b${MONTH}\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`, 'i');
const ENGLISH_DMY = new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+${MONTH},?\s+(\d{4})\b`, 'i');

/** The first date in `text`, in any of the forms above, or undefined. */
export function findDate(text: string): FoundDate | undefined {
  const m = DATE_RE.exec(text);
  if (m) {
    const [whole, y, mo, d, h, mi, s, zone] = m;
    const value = formatDate(Number(y), Number(mo), Number(d), h === undefined ? undefined : { h: Number(h), mi: Number(mi), s: Number(s ?? 0) }, zone);
    if (value) return { value, start: m.index, end: m.index + whole.length };
  }
  for (const [re, order] of [
    [ENGLISH_MDY, 'mdy'],
    [ENGLISH_DMY, 'dmy'],
  ] as const) {
    const e = re.exec(text);
    if (!e) continue;
    const [whole, a, b, y] = e;
    const monthName = (order === 'mdy' ? a : b)!.toLowerCase();
    const day = Number(order === 'mdy' ? b : a);
    const month = MONTHS.findIndex((name) => name.startsWith(monthName.slice(0, 3))) + 1;
    const value = formatDate(Number(y), month, day);
    if (value) return { value, start: e.index, end: e.index + whole.length };
  }
  return undefined;
}

/**
 * An ISO 8601 date or date-time from a meta tag or `<time datetime>`
 * (`2024-05-01`, `2024-05-01T08:30:00+08:00`, `…Z`), under the same rule.
 */
export function parseIsoDate(text: string): string | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$/i.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  return formatDate(Number(y), Number(mo), Number(d), h === undefined ? undefined : { h: Number(h), mi: Number(mi), s: Number(s ?? 0) }, zone);
}

function formatDate(y: number, mo: number, d: number, time?: { h: number; mi: number; s: number }, zoneText?: string): string | undefined {
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ymd = `${y}-${pad(mo)}-${pad(d)}`;
  const zone = zoneText === undefined ? undefined : normalizeZone(zoneText);
  if (!time || zone === undefined) return ymd;
  if (time.h > 23 || time.mi > 59 || time.s > 59) return ymd;
  return `${ymd}T${pad(time.h)}:${pad(time.mi)}:${pad(time.s)}${zone}`;
}

function normalizeZone(text: string): string | undefined {
  const named = ZONE_NAMES[text];
  if (named) return named;
  if (/^z$/i.test(text)) return '+00:00';
  const m = /^(?:(?:GMT|UTC)\s*)?([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return `${m[1]}${pad(hours)}:${pad(minutes)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
