/**
 * The book config (`book.config.yaml`): schema, defaults, and loading with
 * positioned errors. Everything has a default, so no config at all is fine.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MEDIA_TYPES } from './assets/files.ts';
import { inspectImage } from './assets/inspect.ts';
import type { Diagnostic } from './diagnostics.ts';
import { editionSchema, WRITING_MODES } from './editions/edition.ts';
import { checkLangTag } from './lang-tag.ts';
import { EPUB_PROFILES } from './outputs/epub/profile.ts';
import { marginsForSize, PAGE_SIZE_NAMES, type PageSizeName } from './outputs/pdf/sizes.ts';
import { parseYaml, type YamlResult } from './yaml.ts';

export const CONFIG_NAMES = ['book.config.yaml', 'book.config.yml'];

const people = z
  .union([z.string().trim().min(1), z.array(z.string().trim().min(1))])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const length = z.string().regex(/^\d+(\.\d+)?(mm|cm|in|pt|px)$/, 'expected a length such as "18mm", "0.75in" or "54pt"');
const pageSize = z.union([
  z.enum(PAGE_SIZE_NAMES as [PageSizeName, ...PageSizeName[]]),
  z.string().regex(/^\d+(\.\d+)?(mm|cm|in) \d+(\.\d+)?(mm|cm|in)$/, 'expected a size name (A4, A5, B5, B5-JIS, Letter, 5x8in, 5.5x8.5in, 6x9in…) or "WIDTH HEIGHT" such as "148mm 210mm"'),
]);

const margins = z
  .object({ top: length.optional(), bottom: length.optional(), inner: length.optional(), outer: length.optional() })
  .strict();

/** Margins not given follow the size: `m` are those of `size`, scaled for another (src/outputs/pdf/sizes.ts). */
const pageSetup = (size: PageSizeName, m: { top: string; bottom: string; inner: string; outer: string }) =>
  z
    .object({ size: pageSize.default(size), margins: margins.prefault({}) })
    .strict()
    .prefault({})
    .transform((v) => ({ size: v.size, margins: { ...marginsForSize(v.size, size, m), ...stripUndefined(v.margins) } }));

const BOOK_MARGINS = { top: '18mm', bottom: '20mm', inner: '20mm', outer: '16mm' };

/** The book's pages, and what its print edition adds: the bleed and crop marks (used by the print interior only). */
const bookSetup = z
  .object({
    size: pageSize.default('A5'),
    margins: margins.prefault({}),
    /** Bleed of the print interior and the cover wrap; default: 3 mm, or 0.125 in for sizes in inches; `0` for none. */
    bleed: z.union([z.literal('0'), z.literal(0).transform(() => '0' as const), length]).optional(),
    /** Crop marks outside the bleed of the print interior. */
    marks: z.enum(['none', 'crop']).default('none'),
  })
  .strict()
  .prefault({})
  .transform((v) => ({ size: v.size, margins: { ...marginsForSize(v.size, 'A5', BOOK_MARGINS), ...stripUndefined(v.margins) }, bleed: v.bleed, marks: v.marks }));

/** Thickness of a page by paper (KDP's figures), or a length per page. */
export const PAPERS = { white: '0.002252in', cream: '0.0025in' } as const;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const isoDate = z.union([
  z.date().transform((d) => d.toISOString().slice(0, 10)),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD'),
]);

export const SORTS = ['order-date', 'date', 'date-desc', 'title', 'path'] as const;


export const bookConfigSchema = z.object({
  title: z.string().trim().min(1).default('Anthology'),
  subtitle: z.string().optional(),
  /** The editor(s) of the anthology; `author` is accepted as a synonym. */
  editor: people.optional(),
  author: people.optional(),
  publisher: z.string().optional(),
  /** BCP 47; when absent (or not a registered tag: a warning), guessed from the articles' text. */
  lang: z.string({ error: 'expected a BCP 47 language tag such as "zh-CN" or "en"' }).optional(),
  description: z.string().optional(),
  rights: z.string().optional(),
  /** A stable identifier (URN, ISBN, URL); derived from the title when absent. */
  identifier: z.string().optional(),
  /** Cover image, relative to the config file. */
  cover: z.string().optional(),
  /** Publication date; default: the latest article date. */
  date: isoDate.optional(),
  /** Folder of articles, relative to the config file. */
  articles: z.string().default('articles'),
  /** Explicit order: article paths (relative to the articles folder) first, in this order. */
  order: z.array(z.string()).default([]),
  /** How the remaining articles are sorted. */
  sort: z.enum(SORTS).default('order-date'),
  output: z
    .object({
      dir: z.string().default('dist'),
      /** Base name of the anthology files: `<name>.pdf`, `<name>.epub`. */
      name: z.string().regex(/^[^/\\:*?"<>|]+$/, 'expected a file name without a path or special characters').default('anthology'),
      formats: z.array(z.enum(['html', 'pdf', 'epub'])).default(['html', 'pdf', 'epub']),
    })
    .strict()
    .prefault({}),
  site: z
    .object({
      /** Absolute URL the site is published at; used by the feed. */
      url: z.url().optional(),
      feedItems: z.number().int().positive().default(20),
    })
    .strict()
    .prefault({}),
  epub: z
    .object({
      profile: z.enum(EPUB_PROFILES).default('standard'),
      /**
       * Who is named as having checked the book's accessibility
       * (`a11y:certifiedBy`) when the build declares conformance; default:
       * the tool, whose checks are what the declaration rests on.
       */
      certifiedBy: z.string().trim().min(1).optional(),
    })
    .strict()
    .prefault({}),
  /** How the book is set: `vertical` (writing-mode: vertical-rl, pages from right to left) for Chinese or Japanese books (src/editions/vertical.ts). */
  writing: z.enum(WRITING_MODES).default('horizontal'),
  /** Other editions written beside the default outputs (src/editions/): `zh-Hant`, `{ script: zh-Hant-TW, writing: vertical }`. */
  editions: z.array(editionSchema).default([]),
  typography: z
    .object({
      /** Chinese text: ASCII `, : ; ? ! ( )` made full-width (`fullwidth`, default) or kept as written (`keep`). */
      punctuation: z.enum(['fullwidth', 'keep']).default('fullwidth'),
    })
    .strict()
    .prefault({}),
  /** Figures and tables with captions numbered per article ("图 1", "Table 1"); false: captions without numbers. */
  numbering: z.boolean().default(true),
  /** CSL-JSON (.json) or BibTeX (.bib) files for citations, relative to the config file (src/citations/). */
  bibliography: z
    .union([z.string().trim().min(1), z.array(z.string().trim().min(1))])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  /** The citation style: a CSL file (relative to the config file) or the name of a style of the CSL repository; default by the book's language. */
  csl: z.string().trim().min(1).optional(),
  pdf: z
    .object({
      book: bookSetup,
      article: pageSetup('A4', { top: '22mm', bottom: '24mm', inner: '25mm', outer: '25mm' }),
      /** Path to a Chrome or Chromium executable. */
      browser: z.string().optional(),
      /** Milliseconds one page may take to load and print. */
      timeout: z.number().int().positive().default(120_000),
      /** Pages printed at once; default: the number of cores. */
      concurrency: z.number().int().positive().optional(),
    })
    .strict()
    .prefault({}),
  /**
   * The print edition (`--print`): a section here makes every build write
   * the print interior and the cover wrap (`enabled: false` keeps the
   * settings without that).
   */
  print: z
    .object({
      enabled: z.boolean().default(true),
      /** The paper, for the spine's width: `white`, `cream`, or the thickness of one page ("0.0023in"). */
      paper: z.union([z.enum(['white', 'cream']), length]).default('white'),
    })
    .strict()
    .optional(),
});

export type BookConfigInput = z.input<typeof bookConfigSchema>;
export type BookConfig = z.output<typeof bookConfigSchema> & {
  /** Absolute path of the config file, if there was one. */
  file?: string;
  /** Folder the relative paths of the config are resolved against. */
  base: string;
};

export interface LoadConfigResult {
  config?: BookConfig;
  diagnostics: Diagnostic[];
}

/** Finds the config: an explicit file, else `book.config.yaml` in `cwd`. */
export function findConfig(cwd: string, explicit?: string): string | undefined {
  if (explicit) return path.resolve(cwd, explicit);
  for (const name of CONFIG_NAMES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The config of a book without a config file: every default, paths relative to `base`. */
export function defaultConfig(base: string): BookConfig {
  return { ...bookConfigSchema.parse({}), base };
}

export async function loadConfig(cwd: string, explicit?: string): Promise<LoadConfigResult> {
  const file = findConfig(cwd, explicit);
  if (!file) return { config: defaultConfig(cwd), diagnostics: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      diagnostics: [{ severity: 'error', rule: 'config-unreadable', file, message: `Cannot read the book config: ${(error as Error).message}` }],
    };
  }
  const parsed = parseConfig(text.replace(/^\uFEFF/, ''), file);
  // A cover that cannot be used is known now, before any article is read or page printed.
  if (parsed.config?.cover) {
    const problem = await coverProblem(path.resolve(parsed.config.base, parsed.config.cover));
    if (problem) {
      const where = parsed.valueAt?.(['cover']);
      parsed.diagnostics.push({ severity: 'error', rule: 'config-cover', file, ...where, message: `${problem}; fix \`cover\` (relative to the book config), or remove it to get a generated cover` });
      return { diagnostics: parsed.diagnostics };
    }
  }
  return parsed;
}

export function parseConfig(text: string, file: string): LoadConfigResult & { valueAt?: YamlResult<unknown>['valueAt'] } {
  const { data, diagnostics, valueAt } = parseYaml(text, bookConfigSchema, {
    file,
    what: 'book config',
    rules: { syntax: 'config-yaml', invalid: 'config-invalid', unknown: 'config-unknown-key' },
  });
  if (!data) return { diagnostics };
  const config: BookConfig = { ...data, file, base: path.dirname(file) };
  if (config.lang !== undefined) {
    const checked = checkLangTag(config.lang);
    if (!checked.ok || checked.note) {
      const message = checked.ok
        ? `Unexpected \`lang\` in the book config: ${checked.note}`
        : `Invalid \`lang\` in the book config: ${checked.problem}; using the most common language of the articles. Write a tag such as "zh-CN", "zh-TW", "en" or "ja"`;
      diagnostics.push({ severity: 'warning', rule: 'config-lang', file, ...valueAt?.(['lang']), message });
    }
    config.lang = checked.ok ? checked.tag : undefined;
  }
  return { config, diagnostics, valueAt };
}

/** Why the configured cover cannot be used, or undefined when it can. */
async function coverProblem(file: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    if (!(await stat(file)).isFile()) return `The cover image ${file} is not a file`;
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `Missing cover image: no file at ${file}` : `Cannot read the cover image ${file}: ${(error as Error).message}`;
  }
  const mediaType = MEDIA_TYPES[path.extname(file).toLowerCase()];
  if (!mediaType) return `Unexpected cover image type \`${path.extname(file) || path.basename(file)}\`: expected one of ${Object.keys(MEDIA_TYPES).join(', ')}`;
  const inspection = await inspectImage(bytes, mediaType);
  return inspection.ok ? undefined : `Cannot use the cover image ${file}: ${inspection.problem}`;
}

/** The people credited for the book as a whole. */
export function bookEditors(config: BookConfig): string[] {
  return config.editor ?? config.author ?? [];
}
