/**
 * Writes an edition: the book converted (convert.ts), with its templates
 * (templates.ts), through the same outputs as the default build, into
 * `<out>/<id>/`, the anthology named `<output.name>-<id>`. Its files join
 * the build's, under that folder.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { OutputContext, OutputFile } from '../outputs/types.ts';
import { editionBook } from './convert.ts';
import type { Edition } from './edition.ts';
import { editionTemplates } from './templates.ts';
import { verticalBook } from './vertical.ts';

export async function writeEdition(
  ctx: OutputContext,
  edition: Edition,
  run: (ctx: OutputContext, files: Map<string, OutputFile>) => Promise<void>,
): Promise<OutputFile[]> {
  const book = verticalBook(editionBook(ctx.book, edition, `${ctx.book.config.output.name}-${edition.id}`));
  const outDir = path.join(ctx.outDir, edition.id);
  await mkdir(outDir, { recursive: true });
  const files = new Map<string, OutputFile>();
  ctx.progress.start(`edition ${edition.id}`);
  await run({ ...ctx, book, templates: editionTemplates(ctx.templates, edition, ctx.book.config.lang ?? 'en'), outDir, files }, files);
  ctx.progress.end(`edition ${edition.id}`, `${book.articles.length} articles in ${edition.id}/`);
  return [...files.values()].map((f) => ({ ...f, path: `${edition.id}/${f.path}` }));
}
