/**
 * The print edition (`--print`, or a `print:` section in the config),
 * beside the screen PDF: the print interior, then the cover wrap sized from
 * its final page count, then the print report on both.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputContext, OutputFile } from '../types.ts';
import { printCoverWrap } from './cover-wrap.ts';
import type { FolioFont } from './folio.ts';
import type { Run } from './jobs.ts';
import { printInterior } from './print-interior.ts';
import { printReport } from './print-report.ts';

/** `estimate`: the screen book's page count, the first guess at the interior's (it decides the gutter). */
export async function printEdition(ctx: OutputContext, run: Run, folioFont: FolioFont, estimate: number): Promise<OutputFile[]> {
  const { progress, book } = ctx;
  progress.start('print');
  const interior = await printInterior(ctx, run, folioFont, estimate);
  if (!interior) return [];
  const wrap = await printCoverWrap(ctx, run, interior.pages);
  const report = await printReport(ctx, interior, wrap);
  const reportName = `${book.config.output.name}-print-report.txt`;
  await writeFile(path.join(ctx.outDir, reportName), report.text);
  progress.end('print', report.summary);
  return [
    { path: interior.file, bytes: interior.bytes, pages: interior.pages },
    ...(wrap ? [{ path: wrap.file, bytes: wrap.bytes, pages: 1 }] : []),
    { path: reportName, bytes: Buffer.byteLength(report.text), summary: report.summary },
  ];
}
