/**
 * The print cache: a job's PDF from the build cache when nothing it is made
 * from changed (the tool, the stylesheet, the browsers' versions, the job),
 * or from the shards being merged; else printed, and kept.
 */
import { readFile } from 'node:fs/promises';
import { hashOf, toolFingerprint } from '../../cache.ts';
import { printJobKey } from '../../shard.ts';
import type { OutputContext } from '../types.ts';
import type { Run } from './jobs.ts';
import { quickPageCount } from './pdf-file.ts';
import type { Measured, PrintJob, TableFit } from './printer.ts';

/** The versions of the browsers that print, sorted and each once (part of the print cache key). */
export async function browserVersions(run: Run): Promise<string[]> {
  return [...new Set(await Promise.all(run.browsers.map((b) => b.browser.version())))].sort();
}

/** What every print key starts from: the tool and the stylesheet (see printJobKey). */
export async function printBase(run: Run): Promise<string> {
  return hashOf(await toolFingerprint(), run.css);
}

/**
 * Prints a job, or takes it from the build cache when nothing it depends on
 * changed; when merging shards, takes an article's print from the shards
 * and never prints one (`fromShards`; the front matter is printed).
 */
export function cachedPrinter(
  ctx: OutputContext,
  run: Run,
  fromShards = true,
  onTables?: (job: PrintJob, tables: TableFit[]) => void,
  onMeasured?: (job: PrintJob, measured: Measured) => void,
): (job: PrintJob) => Promise<Uint8Array> {
  const base = printBase(run);
  const printKey = (async () => (ctx.cache?.enabled ? hashOf(await base, (await browserVersions(run)).join(',')) : undefined))();
  return async (job) => {
    if (run.prints && fromShards) {
      const file = run.prints.get(printJobKey(await base, job));
      if (!file) throw new Error('none of the shards printed it as this build would (were the shards built with other fonts installed?)');
      const pdf = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new Error(error.code === 'ENOENT' ? `the shard's print ${file} is missing (was the shard folder copied whole?)` : `cannot read the shard's print ${file}: ${error.message}`);
      });
      if (quickPageCount(pdf) === undefined) throw new Error(`the shard's print ${file} is damaged`);
      return pdf;
    }
    const key = (await printKey) && hashOf((await printKey)!, printJobKey(await base, job));
    const hit = key ? await ctx.cache!.readBytes('pdf', key, '.pdf') : undefined;
    const hitTables = hit && job.fit ? await ctx.cache!.readJson<TableFit[]>('pdf-tables', key!) : [];
    // The print report's measurements are kept beside the print (a print without them is printed again).
    const hitMeasured = hit && job.measure ? await ctx.cache!.readJson<Measured>('pdf-measure', key!) : undefined;
    if (hit && hitTables && (!job.measure || hitMeasured) && quickPageCount(hit) !== undefined) {
      if (hitTables.length) onTables?.(job, hitTables);
      if (hitMeasured) onMeasured?.(job, hitMeasured);
      return hit;
    }
    const { pdf, tables, measured } = await run.printer.printed(job);
    if (key) {
      await ctx.cache!.writeBytes('pdf', key, '.pdf', pdf);
      if (job.fit) await ctx.cache!.writeJson('pdf-tables', key, tables);
      if (measured) await ctx.cache!.writeJson('pdf-measure', key, measured);
    }
    if (tables.length) onTables?.(job, tables);
    if (measured) onMeasured?.(job, measured);
    return pdf;
  };
}
