/**
 * The PDF output's jobs: what it runs on (Run), each article's print jobs,
 * the articles run a few at a time with their failures and refused requests
 * reported, and the warning about tables too wide for the page.
 */
import type { BuildBrowser } from '../../browser/pool.ts';
import { forEachLimit } from '../../limit.ts';
import type { Shard, ShardSource } from '../../shard.ts';
import type { Article } from '../../types.ts';
import type { OutputContext } from '../types.ts';
import { articleBody, pageRules } from './documents.ts';
import type { FolioStyle } from './folio.ts';
import type { Printer, PrintJob, TableFit } from './printer.ts';
import { type PageSetup, sameSetup, textWidth } from './setup.ts';
import { sourceDateEpoch } from '../../format.ts';

export const FOLIO_STYLE: FolioStyle = { size: 8, color: [0.45, 0.43, 0.4] };

/** The PDFs' creation date: SOURCE_DATE_EPOCH when set (reproducible builds; the EPUB warns when it is malformed), else now. */
export const pdfDate = (): Date | undefined => {
  const epoch = sourceDateEpoch();
  return epoch instanceof Date ? epoch : undefined;
};

export interface Run {
  /** The local browser, or the remote ones the printer spreads its jobs over. */
  browsers: BuildBrowser[];
  printer: Printer;
  /** Where the book's parts wait for the assembly. */
  partsDir: string;
  cover: string | undefined;
  /** Refused requests by job label. */
  blocked: Map<string, Set<string>>;
  /** The stylesheet of every print. */
  css: string;
  /** Print only this part of the articles (see src/shard.ts). */
  shard?: Shard & { source: ShardSource };
  /** Merging shards: the printed articles by print key. */
  prints?: ReadonlyMap<string, string>;
  /** Make the print edition too (`--print`): print-edition.ts. */
  print?: PrintRun;
}

export interface PrintRun {
  /** Full-bleed images (`<name>.bleed.<ext>`) by asset name, and the address of their copy for the whole sheet. */
  bleed: ReadonlyMap<string, string>;
}

/** ` (jobs: 21 on ws://a, 19 on ws://b)` when printing on remote browsers, else nothing. */
export function jobsPerBrowser(run: Run): string {
  if (!run.browsers.some((b) => b.remote)) return '';
  return ` (jobs: ${run.printer.jobCounts().map((c) => `${c.jobs} on ${c.name}`).join(', ')})`;
}

/** An article's print jobs: its pages of the book, and its own PDF when that has another page setup. */
export async function articleJobs(ctx: OutputContext, article: Article, index: number): Promise<{ book: PrintJob; own?: PrintJob }> {
  const config = ctx.book.config;
  const body = await articleBody(ctx.templates, ctx.book, article, index);
  const heads = { left: config.title, right: article.title };
  const rtl = config.writing === 'vertical';
  const continued = ctx.templates.labels(article.lang).table_continued ?? '(continued)';
  const fit = (setup: PageSetup) => ({ width: textWidth(setup), continued, minScale: 0.72 });
  const book: PrintJob = { body, lang: article.lang, title: article.title, pageCss: pageRules(config.pdf.book, heads, rtl), outline: true, label: article.path, fit: fit(config.pdf.book) };
  return sameSetup(config.pdf.book, config.pdf.article) ? { book } : { book, own: { ...book, pageCss: pageRules(config.pdf.article, heads, rtl), fit: fit(config.pdf.article) } };
}

/** One warning per wide table of an article, saying what each PDF did with it. */
export function reportTables(ctx: OutputContext, article: Article, fits: { where: string; tables: TableFit[] }[]): void {
  const count = Math.max(...fits.map((f) => f.tables.length));
  for (let i = 0; i < count; i++) {
    const done = fits.filter((f) => f.tables[i]).map((f) => ({ where: f.where, t: f.tables[i]! }));
    const t = done[0]!.t;
    const what = (x: TableFit) =>
      [x.scale < 1 ? `set at ${Math.round(x.scale * 100)} %` : '', x.wrapped ? 'long words broken' : '', x.parts > 1 ? `split into ${x.parts} tables, each repeating the first column` : '']
        .filter(Boolean)
        .join(', ');
    ctx.diagnostics.warn(
      'pdf-wide-table',
      `A table of ${t.columns} columns is wider than the page: ${done.map((d) => `${what(d.t)} in ${d.where}`).join('; ')}. Every cell is printed; fewer columns or a narrower table read better`,
      { file: article.file, line: t.line },
    );
  }
}

export function reportBlocked(ctx: OutputContext, blocked: Map<string, Set<string>>, label: string, file: string | undefined): void {
  const urls = blocked.get(label);
  if (!urls?.size) return;
  blocked.delete(label);
  const list = [...urls];
  ctx.diagnostics.warn(
    'pdf-request-blocked',
    `Printing refused ${list.length === 1 ? 'a request' : `${list.length} requests`} for ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}: a PDF uses only the files of the book (its images and fonts), never the network or other files`,
    { file },
  );
}

/**
 * Runs `fn` for the articles at `indices`, a few at a time (one more than the
 * printer has pages, so the next job is ready). A failing article is an error
 * naming it, and the others go on; refused requests are reported per article.
 * Resolves to whether any article failed.
 */
export async function forEachArticle(ctx: OutputContext, run: Run, indices: Iterable<number>, fn: (article: Article, index: number) => Promise<void>): Promise<boolean> {
  let failed = false;
  await forEachLimit([...indices], run.printer.size + 1, async (index) => {
    const article = ctx.book.articles[index]!;
    try {
      await fn(article, index);
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      failed = true;
      ctx.diagnostics.error('pdf-print', `Cannot print the article: ${(error as Error).message}`, { file: article.file });
    } finally {
      reportBlocked(ctx, run.blocked, article.path, article.file);
    }
  });
  return failed;
}
