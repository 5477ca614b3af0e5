/**
 * The print interior (`<name>-print.pdf`): the book without its cover (that
 * is the cover wrap's), every page printed with its bleed, black links, the
 * inside margin its page count asks for, crop marks when configured, and an
 * even page count.
 *
 * The page count is known only after printing, and it decides the gutter:
 * so the book is printed with the gutter of a first estimate (the screen
 * book's length), counted, and printed again with a wider inside margin
 * when the count moved it into another class. Every job goes through the
 * print cache, so a pass costs only what changed.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputContext } from '../types.ts';
import { assembleBook, frontWithPages, partLengths, withBack } from './book.ts';
import { articleBody, backBody, frontBody, type TocEntry, tocEntries } from './documents.ts';
import type { FolioFont } from './folio.ts';
import { forEachArticle, type Run } from './jobs.ts';
import { quickPageCount } from './pdf-file.ts';
import { cachedPrinter } from './print-cache.ts';
import { type PrintGeometry, printFrontPageRules, printGeometry, printPageRules } from './print-pages.ts';
import type { Measured, PrintJob } from './printer.ts';

/** Passes at most: a wider gutter can only lengthen the book, so the classes settle quickly. */
const MAX_PASSES = 4;

export interface PrintInterior {
  file: string;
  pages: number;
  bytes: number;
  geometry: PrintGeometry;
  /** Passes printed (more than one when the gutter changed). */
  passes: number;
  /** Whether a blank page was added to make the count even. */
  padded: boolean;
  /** What was measured in each document, by the file it comes from (an article's, or the config's). */
  measured: { file?: string; label: string; measured: Measured }[];
}

export async function printInterior(ctx: OutputContext, run: Run, folioFont: FolioFont, estimate: number): Promise<PrintInterior | undefined> {
  const { book, templates, diagnostics } = ctx;
  const config = book.config;
  const setup = config.pdf.book;
  const css = await templates.read('css/print-ready.css');
  const measuredBy = new Map<PrintJob, Measured>();
  const print = cachedPrinter(ctx, run, false, undefined, (job, m) => measuredBy.set(job, m));
  const bleedHref = (name: string) => run.print?.bleed.get(name);
  // The back matter ("Sources and permissions"), when an article has a provenance.
  const back = await backBody(templates, book);
  const entries = withBack(tocEntries(book), back?.title);
  const textPx = (g: PrintGeometry) => ((g.trim.width - g.margins.inner - g.margins.outer) * 96) / 72;

  const frontJob = async (g: PrintGeometry, list: TocEntry[]): Promise<PrintJob> => ({
    body: await frontBody(templates, book, list, run.cover, true),
    lang: config.lang ?? 'en',
    title: config.title,
    pageCss: printFrontPageRules(setup, g, css),
    outline: false,
    label: FRONT_LABEL,
    measure: { width: textPx(g) },
  });

  let geometry = printGeometry(setup, estimate);
  for (let pass = 1; ; pass++) {
    measuredBy.clear();
    const jobs: PrintJob[] = [];
    const parts: { file: string; pages: number }[] = [];
    const frontDraft = print(await frontJob(geometry, entries));
    frontDraft.catch(() => {});
    const backJob: PrintJob | undefined = back && {
      body: back.body,
      lang: config.lang ?? 'en',
      title: back.title,
      pageCss: printPageRules(setup, geometry, { left: config.title, right: back.title }, css),
      outline: false,
      label: BACK_LABEL,
      measure: { width: textPx(geometry) },
    };
    const backPrint = backJob && print(backJob);
    backPrint?.catch(() => {});
    const failed = await forEachArticle(ctx, run, book.articles.keys(), async (article, index) => {
      const continued = templates.labels(article.lang).table_continued ?? '(continued)';
      const job: PrintJob = {
        body: await articleBody(templates, book, article, index, { bleedHref }),
        lang: article.lang,
        title: article.title,
        pageCss: printPageRules(setup, geometry, { left: config.title, right: article.title }, css),
        outline: true,
        label: article.path,
        fit: { width: textPx(geometry), continued, minScale: 0.72 },
        measure: { width: textPx(geometry) },
      };
      jobs[index] = job;
      const pdf = await print(job);
      const file = path.join(run.partsDir, `print-${index}.pdf`);
      await writeFile(file, pdf);
      const pages = quickPageCount(pdf);
      if (pages === undefined) throw new Error('Chromium wrote a PDF whose pages could not be counted');
      parts[index] = { file, pages };
    });
    let front: Uint8Array;
    let starts: number[];
    let frontLast: PrintJob;
    let backPdf: Uint8Array | undefined;
    try {
      const draft = await frontDraft;
      backPdf = await backPrint;
      if (failed) return undefined;
      ({ front, starts } = await frontWithPages(quickPageCount(draft)!, partLengths(parts, backPdf), async (at) => {
        frontLast = await frontJob(geometry, entries.map((e, i) => ({ ...e, page: at[i] })));
        return print(frontLast);
      }));
    } catch (error) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      diagnostics.error('pdf-print', `Cannot print the print interior's title page and contents: ${(error as Error).message}`, { file: config.file });
      return undefined;
    }
    const lengths = partLengths(parts, backPdf);
    const last = lengths.length ? starts[starts.length - 1]! + lengths[lengths.length - 1]! - 1 : quickPageCount(front)!;
    const total = last + (last % 2);
    const next = printGeometry(setup, total);
    if (next.margins.inner !== geometry.margins.inner && pass < MAX_PASSES) {
      geometry = next;
      continue;
    }
    // The book, assembled as the screen book is, and checked the same way.
    const name = `${config.output.name}-print.pdf`;
    const file = path.join(ctx.outDir, name);
    const result = await assembleBook(ctx, file, front, parts, folioFont, () => {}, {
      bleed: geometry.bleed,
      marks: geometry.marks,
      sheet: { width: geometry.trim.width + 2 * geometry.bleed, height: geometry.trim.height + 2 * geometry.bleed },
      margins: geometry.margins,
    }, back && backPdf && { pdf: backPdf, title: back.title });
    const moved = entries.filter((_, i) => result.starts[i + 1] !== starts[i]);
    if (moved.length) {
      diagnostics.error('pdf-contents', `The print interior's contents give the wrong page for ${moved.map((e) => `"${e.title}"`).join(', ')}: this is a bug of the PDF output, please report it`, { file: config.file });
      return undefined;
    }
    const measured: PrintInterior['measured'] = [];
    const frontMeasured = measuredBy.get(frontLast!);
    if (frontMeasured) measured.push({ file: config.file, label: FRONT_LABEL, measured: frontMeasured });
    book.articles.forEach((article, i) => {
      const m = jobs[i] && measuredBy.get(jobs[i]);
      if (m) measured.push({ file: article.file, label: article.path, measured: m });
    });
    const backMeasured = backJob && measuredBy.get(backJob);
    if (backMeasured) measured.push({ file: config.file, label: BACK_LABEL, measured: backMeasured });
    return { file: name, pages: result.pages, bytes: result.bytes, geometry, passes: pass, padded: total !== last, measured };
  }
}

const FRONT_LABEL = "the print interior's front matter";
const BACK_LABEL = "the print interior's sources and permissions";
