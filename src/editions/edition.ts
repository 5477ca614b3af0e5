/**
 * Editions: the same articles in another script (`zh-Hant`, `zh-Hant-TW`,
 * `zh-Hant-HK`, `zh-Hans`) and/or set vertically, written beside the default
 * outputs (`<out>/<id>/`). From the config's `editions:` list or the command
 * line's `--edition zh-Hant[:vertical]`.
 */
import { z } from 'zod';

export const EDITION_SCRIPTS = ['zh-Hant', 'zh-Hant-TW', 'zh-Hant-HK', 'zh-Hans'] as const;
export type EditionScript = (typeof EDITION_SCRIPTS)[number];
export const WRITING_MODES = ['horizontal', 'vertical'] as const;
export type WritingMode = (typeof WRITING_MODES)[number];

export interface Edition {
  /** The folder and file-name suffix: `zh-Hant`, `zh-Hant-vertical`, `vertical`. */
  id: string;
  /** The script the text is converted to; none: the articles as written (a vertical edition of the book itself). */
  script?: EditionScript;
  writing: WritingMode;
  /** Words kept as written, besides every article's own `keep:`. */
  keep: string[];
}

const script = z.enum(EDITION_SCRIPTS, { error: `expected one of ${EDITION_SCRIPTS.join(', ')}` });

/** One entry of `editions:` in the config: `zh-Hant`, or `{ script: zh-Hant-TW, writing: vertical, keep: [林书白] }`. */
export const editionSchema = z.union([
  script.transform((s) => ({ script: s, writing: 'horizontal' as WritingMode, keep: [] as string[] })),
  z
    .object({
      script: script.optional(),
      writing: z.enum(WRITING_MODES).default('horizontal'),
      keep: z.array(z.string().trim().min(1)).default([]),
    })
    .strict()
    .refine((e) => e.script || e.writing === 'vertical', 'an edition changes the script, the writing or both: give `script` or `writing: vertical`'),
]);

export type EditionInput = z.output<typeof editionSchema>;

/** `zh-Hant`, `zh-Hant-TW:vertical`, `vertical` (the book as written, set vertically). */
export function parseEditionSpec(spec: string): EditionInput | string {
  const [name = '', mode, extra] = spec.split(':');
  if (extra !== undefined || (mode !== undefined && mode !== 'vertical' && mode !== 'horizontal')) return `--edition expects SCRIPT or SCRIPT:vertical (SCRIPT: ${EDITION_SCRIPTS.join(', ')}), or vertical; found "${spec}"`;
  if (name === 'vertical' && mode === undefined) return { writing: 'vertical', keep: [] };
  if (!(EDITION_SCRIPTS as readonly string[]).includes(name)) return `--edition expects one of ${EDITION_SCRIPTS.join(', ')} (optionally with :vertical), or vertical; found "${spec}"`;
  return { script: name as EditionScript, writing: (mode as WritingMode | undefined) ?? 'horizontal', keep: [] };
}

/** The editions to build, each with its id, the same one once. */
export function editionsOf(inputs: readonly EditionInput[]): Edition[] {
  const seen = new Map<string, Edition>();
  for (const e of inputs) {
    const id = [e.script, e.writing === 'vertical' ? 'vertical' : undefined].filter(Boolean).join('-');
    const known = seen.get(id);
    if (known) known.keep.push(...e.keep);
    else seen.set(id, { id, script: e.script, writing: e.writing, keep: [...e.keep] });
  }
  return [...seen.values()];
}
