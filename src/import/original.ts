/**
 * The original of an imported article, kept byte for byte beside the
 * articles in `_originals/` (the build skips names that start with `_`, so
 * it is never published), with a record of where it came from: the file
 * name it had, its SHA-256, how many bytes, the encoding it was read in and
 * when it was imported. The article's front matter points at the copy
 * (`original: _originals/<slug>.html`), so the editor can always go back to
 * what was imported.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Document } from 'yaml';
import { FileExistsError, writeAtomic } from './write.ts';

/** The folder of originals, inside the articles folder. */
export const ORIGINALS_DIR = '_originals';

export interface OriginalRecord {
  /** The copy, relative to the articles folder: `_originals/<slug>.<ext>`. */
  file: string;
  /** The name of the file that was imported. */
  name: string;
  sha256: string;
  bytes: number;
  /** The encoding its text was read in: `utf-8`, `GB18030`, `Big5`, … */
  encoding: string;
  /** When it was imported: `YYYY-MM-DDTHH:MM:SSZ`. */
  imported: string;
  /** The article made from it, relative to the articles folder. */
  article: string;
  /** The page's address, when known. */
  source?: string;
}

export interface OriginalPlan {
  record: OriginalRecord;
  /** Absolute paths of the copy and of its record (`<copy>.yaml`). */
  copy: string;
  recordFile: string;
  bytes: Uint8Array;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where the original of the article `<out>/<slug>.md` goes, and what its record says. */
export function planOriginal(options: {
  out: string;
  slug: string;
  input: string;
  bytes: Uint8Array;
  kind: 'html' | 'text';
  encoding: string;
  source?: string;
  now: Date;
}): OriginalPlan {
  const given = path.extname(options.input).toLowerCase();
  const ext = /^\.[a-z0-9]{1,8}$/.test(given) ? given : options.kind === 'html' ? '.html' : '.txt';
  const file = `${ORIGINALS_DIR}/${options.slug}${ext}`;
  const copy = path.join(options.out, ...file.split('/'));
  return {
    copy,
    recordFile: `${copy}.yaml`,
    bytes: options.bytes,
    record: {
      file,
      name: path.basename(options.input),
      sha256: sha256(options.bytes),
      bytes: options.bytes.byteLength,
      encoding: options.encoding,
      imported: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      article: `${options.slug}.md`,
      ...(options.source ? { source: options.source } : {}),
    },
  };
}

/**
 * Writes the copy and its record. An existing copy with the same bytes is
 * kept as it is (importing the same file again); a different one is
 * replaced only with `force`.
 */
export async function keepOriginal(plan: OriginalPlan, force: boolean): Promise<void> {
  const existing = await readFile(plan.copy).catch(() => undefined);
  if (existing && !force && sha256(existing) !== plan.record.sha256) throw new FileExistsError(plan.copy);
  if (!existing || force) await writeAtomic(plan.copy, plan.bytes, !!existing);
  await writeAtomic(plan.recordFile, renderRecord(plan.record), true);
}

export function renderRecord(record: OriginalRecord): string {
  const doc = new Document(record);
  doc.commentBefore = ' The original of an imported article, kept as it was read (anthology import). Not published.';
  return doc.toString({ lineWidth: 0 });
}
