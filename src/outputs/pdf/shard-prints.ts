/**
 * A shard (`build --shard K/N`): its part of the articles printed into
 * `prints/`, described in `shard.json` for `merge` (see src/shard.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST, printJobKey, type ShardManifest, shardParts } from '../../shard.ts';
import type { OutputContext, OutputFile } from '../types.ts';
import { articleJobs, forEachArticle, jobsPerBrowser, type Run } from './jobs.ts';
import { quickPageCount } from './pdf-file.ts';
import { browserVersions, cachedPrinter, printBase } from './print-cache.ts';

/**
 * A shard (`build --shard K/N`): prints the jobs of its part of the articles
 * into `prints/` and describes them in `shard.json`, for `merge`.
 */
export async function printShard(ctx: OutputContext, run: Run): Promise<OutputFile[]> {
  const { book, progress } = ctx;
  const shard = run.shard!;
  const started = performance.now();
  const mine = shardParts(book.articles, shard.n)[shard.k - 1]!;
  const base = await printBase(run);
  const printArticle = cachedPrinter(ctx, run);
  const written: OutputFile[] = [];
  const prints: ShardManifest['prints'] = [];
  let done = 0;
  progress.start('pdf', mine.length);
  await mkdir(path.join(ctx.outDir, 'prints'), { recursive: true });
  await forEachArticle(ctx, run, mine, async (article, index) => {
    const jobs = await articleJobs(ctx, article, index);
    for (const job of jobs.own ? [jobs.book, jobs.own] : [jobs.book]) {
      const pdf = await printArticle(job);
      const key = printJobKey(base, job);
      const rel = `prints/${key}.pdf`;
      await writeFile(path.join(ctx.outDir, rel), pdf);
      written.push({ path: rel, bytes: pdf.length, pages: quickPageCount(pdf) });
      prints.push({ key, file: rel, article: article.path });
    }
    progress.tick('pdf', ++done, mine.length);
  });
  prints.sort((a, b) => (a.file < b.file ? -1 : 1));
  const manifest: ShardManifest = {
    kind: 'anthology-shard',
    version: 1,
    shard: { k: shard.k, n: shard.n },
    ...shard.source,
    printed: mine.map((i) => book.articles[i]!.path),
    prints,
    browsers: await browserVersions(run),
  };
  const text = JSON.stringify(manifest, null, 1);
  await writeFile(path.join(ctx.outDir, MANIFEST), text);
  written.push({ path: MANIFEST, bytes: Buffer.byteLength(text) });
  const pages = written.reduce((n, f) => n + (f.pages ?? 0), 0);
  progress.end('pdf', `shard ${shard.k}/${shard.n}: ${mine.length} of ${book.articles.length} articles, ${prints.length} prints, ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s${jobsPerBrowser(run)}`);
  return written;
}
