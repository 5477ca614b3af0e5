/**
 * `citations.json` at the root of the output folder: every article as a
 * CSL-JSON item (a chapter of the book: authors, title, the book's title,
 * editors, publisher and date), with its page range in the anthology PDF
 * when this build made one and its address when the config gives the
 * site's. Reference managers (Zotero, Pandoc, citeproc) read it as it is.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { articleItem } from '../citations/article.ts';
import { articlePages } from './book-pages.ts';
import type { OutputContext, OutputFile } from './types.ts';

export const CITATIONS_FILE = 'citations.json';

export async function writeCitations(ctx: OutputContext): Promise<OutputFile> {
  const pages = articlePages(ctx);
  const items = ctx.book.articles.map((a) => articleItem(ctx.book, a, pages.get(a.slug)));
  const content = `${JSON.stringify(items, null, 2)}\n`;
  await writeFile(path.join(ctx.outDir, CITATIONS_FILE), content);
  return { path: CITATIONS_FILE, bytes: Buffer.byteLength(content) };
}
