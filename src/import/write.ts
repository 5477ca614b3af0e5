/**
 * An imported article as a Markdown file: front matter (in a fixed key order,
 * written with the `yaml` package) and body, its file name from the title,
 * written atomically and never over an existing file unless asked to.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isSeq } from 'yaml';
import { slugify } from '../content/load.ts';
import type { ImportMeta } from './types.ts';

/** `---\n<yaml>---\n\n<markdown>` with keys title, subtitle, author, date, source, publisher, tags, lang, summary, original. */
export function renderArticle(meta: ImportMeta, markdown: string): string {
  const data: Record<string, unknown> = {};
  if (meta.title) data.title = meta.title;
  if (meta.subtitle) data.subtitle = meta.subtitle;
  if (meta.authors.length) data.author = meta.authors.length === 1 ? meta.authors[0] : meta.authors;
  if (meta.date) data.date = meta.date;
  if (meta.source) data.source = meta.source;
  if (meta.publisher) data.publisher = meta.publisher;
  if (meta.tags.length) data.tags = meta.tags;
  data.lang = meta.lang;
  if (meta.summary) data.summary = meta.summary;
  if (meta.original) data.original = meta.original;
  const doc = new Document(data);
  // Lists of names and tags read best on one line: `author: [甲, 乙]`.
  for (const key of ['author', 'tags']) {
    const node = doc.get(key, true);
    if (isSeq(node)) node.flow = true;
  }
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const body = markdown.trim();
  return `---\n${yaml}---\n${body ? '\n' + body + '\n' : ''}`;
}

/** The file name for an article: its title as a slug, else the input's name, never `README`. */
export function slugFor(title: string | undefined, inputFile: string): string {
  const stem = path.basename(inputFile).replace(/\.[^.]+$/, '');
  const slug = (title && slugify(title)) || slugify(stem) || 'article';
  return slug === 'readme' ? 'readme-article' : slug;
}

export class FileExistsError extends Error {
  readonly file: string;
  constructor(file: string) {
    super(`${file} already exists; not overwritten (use --force to replace it, or move it away)`);
    this.name = 'FileExistsError';
    this.file = file;
  }
}

/**
 * Writes through a temporary file in the same folder, then links it into
 * place (which fails if the target exists: no race with another writer) or,
 * with `force`, renames it over the target. A reader never sees half a file.
 */
export async function writeAtomic(file: string, content: string | Uint8Array, force: boolean): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  // A dot name: the loader skips it should the process die before the end.
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, content, { flag: 'wx' });
  try {
    if (force) {
      await rename(temp, file);
      return;
    }
    try {
      await link(temp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new FileExistsError(file);
      // File systems without hard links: an exclusive copy still never overwrites.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      await copyFile(temp, file, constants.COPYFILE_EXCL).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? new FileExistsError(file) : e;
      });
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await unlink(temp);
}
