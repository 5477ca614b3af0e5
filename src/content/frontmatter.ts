/** Splits YAML front matter from an article and validates it with its schema. */
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.ts';
import { parseYaml, type YamlResult } from '../yaml.ts';

const list = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((x) => String(x).trim()).filter(Boolean));

/** `YYYY-MM-DD`, optionally with a time; the date must exist on a calendar. */
const date = z
  .union([z.date(), z.string().trim()])
  .transform((v, ctx) => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected a date written YYYY-MM-DD (optionally with a time, "2024-05-01 08:30+08:00"), found "${v}"` });
      return z.NEVER;
    }
    const [, y, mo, d, h, mi, s, tz] = m;
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || (h !== undefined && (Number(h) > 23 || Number(mi) > 59))) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a real date or time` });
      return z.NEVER;
    }
    const ymd = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    if (h === undefined) return ymd;
    const zone = tz === undefined ? '' : tz === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
    return `${ymd}T${h.padStart(2, '0')}:${mi}:${s ?? '00'}${zone}`;
  });

export const frontMatterSchema = z.object({
  title: z.union([z.string(), z.number()]).transform(String).optional(),
  subtitle: z.string().optional(),
  author: list.optional(),
  date: date.optional(),
  updated: date.optional(),
  source: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** Provenance (src/provenance/): where the article first appeared, when, on what terms, who translated it. */
  publisher: z.string().trim().min(1).optional(),
  published: date.optional(),
  license: z.string().trim().min(1).optional(),
  permission: z.string().trim().min(1).optional(),
  translator: list.optional(),
  /** The file `anthology import` made the article from, kept unpublished in `_originals/` (src/import/original.ts). */
  original: z.string().trim().min(1).optional(),
  /** Words every edition keeps as written (src/editions/): names, titles in front matter and text. */
  keep: list.optional(),
  tags: list.optional(),
  /** BCP 47; checked against the registry after parsing (src/lang-tag.ts), with a warning and a fallback. */
  lang: z.string({ error: 'expected a BCP 47 language tag such as "zh-CN" or "en"' }).optional(),
  summary: z.string().optional(),
  cover: z.string().optional(),
  /** CSL-JSON or BibTeX files, relative to the article (src/citations/). */
  bibliography: list.optional(),
  draft: z.boolean().default(false),
  slug: z
    .string()
    .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, 'expected letters, digits, "-" and "_" only')
    .optional(),
  order: z.number().optional(),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;

export interface SplitResult {
  /** The YAML text, or undefined when the file has no front matter. */
  yaml?: string;
  /** The Markdown with the front matter replaced by blank lines, so lines keep their numbers. */
  body: string;
}

/** Front matter is a `---` line first in the file and the next `---` (or `...`) line. */
export function splitFrontMatter(text: string): SplitResult {
  const m = /^---[ \t]*\n([\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { body: text };
  const lines = m[0].split('\n').length - 1;
  return { yaml: m[1] ?? '', body: '\n'.repeat(lines) + text.slice(m[0].length) };
}

export function parseFrontMatter(yaml: string, file: string): YamlResult<FrontMatter> {
  return parseYaml(yaml, frontMatterSchema, {
    file,
    firstLine: 2,
    what: 'front matter',
    rules: { syntax: 'front-matter-yaml', invalid: 'front-matter-invalid', unknown: 'front-matter-unknown-key' },
  });
}
