/**
 * BCP 47 language tags checked for real: well-formed (RFC 5646, as browsers
 * and reading systems parse them) and made of subtags registered with IANA
 * (the registry data of the `language-tags` package). Every output writes the
 * language into its documents, so a tag that is not a language must not get
 * there.
 */
import tags from 'language-tags';

/** language-tags' error codes (Tag.ERR_*). */
const ERR_DEPRECATED = 1;
const ERR_UNKNOWN = 3;
const ERR_SUPPRESS_SCRIPT = 10;
const ERR_SUBTAG_DEPRECATED = 11;

export type LangCheck =
  | { ok: true; tag: string; note?: string }
  | { ok: false; problem: string };

/**
 * `zh-CN` → ok; `EN-us` → ok as `en-US`; `iw` → ok as `he`, with a note
 * (deprecated); `zh_CN` → ok as `zh-CN`, with a note; `xx-INVALID` → not ok,
 * with what is wrong.
 */
export function checkLangTag(input: string): LangCheck {
  const written = input.trim();
  const direct = registered(written);
  if (direct.ok) return direct;
  // `zh_CN`, the POSIX locale spelling, is the most common slip.
  if (written.includes('_')) {
    const dashed = registered(written.replace(/_/g, '-'));
    if (dashed.ok) return { ok: true, tag: dashed.tag, note: `language tags are written with "-", not "_"; using \`${dashed.tag}\`` };
  }
  return direct;
}

function registered(written: string): LangCheck {
  if (!wellFormed(written)) {
    return { ok: false, problem: `\`${written}\` is not a well-formed BCP 47 language tag` };
  }
  const tag = tags(written);
  // A script the language implies (`en-Latn`) is redundant, not wrong.
  const errors = tag.errors().filter((e) => e.code !== ERR_SUPPRESS_SCRIPT);
  if (errors.length === 0) return { ok: true, tag: tag.format() };
  // Deprecated, with a registered replacement (`iw` → `he`, `in` → `id`): use the replacement.
  if (errors.every((e) => e.code === ERR_SUBTAG_DEPRECATED || e.code === ERR_DEPRECATED)) {
    const replaced = replacement(written);
    if (replaced && tags(replaced).valid()) {
      const tagged = tags(replaced).format();
      return { ok: true, tag: tagged, note: `\`${written}\` is deprecated; using \`${tagged}\`` };
    }
  }
  const parts = written.split('-');
  const asWritten = (subtag = '') => parts.find((p) => p.toLowerCase() === subtag.toLowerCase()) ?? subtag;
  const unknown = errors.filter((e) => e.code === ERR_UNKNOWN).map((e) => `\`${asWritten(e.subtag)}\``);
  if (unknown.length) {
    const first = written.split('-')[0]!.toLowerCase();
    const which = unknown.length === 1 ? `the subtag ${unknown[0]} is` : `the subtags ${unknown.join(', ')} are`;
    return {
      ok: false,
      problem: `\`${written}\` is not a registered language tag: ${which} not in the IANA language subtag registry${tags.language(first) ? '' : ` (a tag starts with a language such as "zh", "en", "ja")`}`,
    };
  }
  return { ok: false, problem: `\`${written}\` is not a valid language tag: ${errors.map((e) => e.message.replace(/\.$/, '')).join('; ')}` };
}

/** RFC 5646 syntax, as `Intl` parses it (which rejects `fr--FR`, `zh_CN`, subtags too long). */
function wellFormed(tag: string): boolean {
  if (!/^[A-Za-z0-9-]+$/.test(tag)) return false;
  try {
    Intl.getCanonicalLocales(tag);
    return true;
  } catch {
    return false;
  }
}

/** The tag with each deprecated subtag (or the whole deprecated tag) replaced by its preferred value. */
function replacement(written: string): string | undefined {
  const tag = tags(written);
  const whole = tag.deprecated() ? tag.preferred() : null;
  if (whole) return whole.format();
  const subtags = tag.subtags();
  if (!subtags.length) return undefined;
  const parts = written.split('-');
  let changed = false;
  for (const subtag of subtags) {
    const preferred = subtag.deprecated() ? subtag.preferred() : null;
    if (!preferred) continue;
    const i = parts.findIndex((p) => p.toLowerCase() === subtag.format().toLowerCase());
    if (i < 0) continue;
    parts[i] = preferred.format();
    changed = true;
  }
  return changed ? parts.join('-') : undefined;
}
