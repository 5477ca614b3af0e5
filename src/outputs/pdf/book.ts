/**
 * The anthology: every article printed once (its pages of the book, and its
 * own PDF), the front matter printed with the real page numbers, and the
 * parts assembled into one PDF, each article starting on a right-hand page.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bookEditors } from '../../config.ts';
import { formatNames } from '../../templates.ts';
import type { OutputContext, OutputFile } from '../types.ts';
import { writeArticlePdf } from './article-pdf.ts';
import { type AssembleResult, PdfAssembler } from './assemble.ts';
import { backBody, FRONT_IDS, frontBody, frontPageRules, headingTexts, pageRules, printLabels, type TocEntry, tocEntries } from './documents.ts';
import { FolioFont } from './folio.ts';
import { articleJobs, FOLIO_STYLE, forEachArticle, jobsPerBrowser, pdfDate, reportBlocked, reportTables, type Run } from './jobs.ts';
import { BACK_ID, bookLink, destName, startId } from './links.ts';
import { pageOpenings } from './page-text.ts';
import { quickPageCount } from './pdf-file.ts';
import { cachedPrinter } from './print-cache.ts';
import { folioFontFile, realFontNames } from './print-fonts.ts';
import type { PrintJob, TableFit } from './printer.ts';
import { printEdition } from './print-edition.ts';
import { marginsInPoints, sameSetup } from './setup.ts';

export async function printBook(ctx: OutputContext, run: Run): Promise<OutputFile[]> {
  const { book, templates, diagnostics, progress, signal } = ctx;
  const { printer, partsDir, cover } = run;
  const config = book.config;
  const bookSetup = config.pdf.book;
  const articleSetup = config.pdf.article;
  const shared = sameSetup(bookSetup, articleSetup);
  const started = performance.now();
  const folioFont = new FolioFont(folioFontFile());
  const n = book.articles.length;
  // The back matter ("Sources and permissions"), when an article has a provenance.
  const back = await backBody(templates, book);
  // Prints (one or two per article, the front matter twice, the back matter), then one step per article to assemble.
  const total = n * (shared ? 1 : 2) + 2 + (back ? 1 : 0) + n;
  let done = 0;
  const tick = () => progress.tick('pdf', ++done, total);
  progress.start('pdf', total);
  await mkdir(path.join(ctx.outDir, 'pdf'), { recursive: true });
  await mkdir(partsDir, { recursive: true });

  const tables = new Map<PrintJob, TableFit[]>();
  const printArticle = cachedPrinter(ctx, run, true, (job, fits) => tables.set(job, fits));
  // The cover and contents too: unchanged titles and page numbers, unchanged pages.
  const printFront = cachedPrinter(ctx, run, false);

  const frontJob = async (entries: TocEntry[]): Promise<PrintJob> => ({
    body: await frontBody(templates, book, entries, cover),
    lang: config.lang ?? 'en',
    title: config.title,
    pageCss: frontPageRules(bookSetup, config.writing === 'vertical'),
    outline: false,
    label: FRONT_LABEL,
  });
  const entries = withBack(tocEntries(book), back?.title);
  const backPrint = back
    ? printFront({ body: back.body, lang: config.lang ?? 'en', title: back.title, pageCss: pageRules(bookSetup, { left: config.title, right: back.title }, config.writing === 'vertical'), outline: false, label: BACK_LABEL }).then((pdf) => {
        tick();
        return pdf;
      })
    : undefined;
  backPrint?.catch(() => {});
  const frontDraft = printFront(await frontJob(entries)).then((pdf) => {
    tick();
    return pdf;
  });
  // Awaited after the articles; until then a failure must not count as unhandled.
  frontDraft.catch(() => {});

  // 1. Every article: its part of the book, and its own PDF.
  const own: OutputFile[] = [];
  const parts: { file: string; pages: number }[] = [];
  // How each page of each article begins, for the EPUB's page list (a failure there only leaves pages out of it).
  const openings: string[][] = [];
  const failed = await forEachArticle(ctx, run, book.articles.keys(), async (article, index) => {
    const jobs = await articleJobs(ctx, article, index);
    const part = await printArticle(jobs.book);
    tick();
    const file = path.join(partsDir, `${index}.pdf`);
    await writeFile(file, part);
    const pages = quickPageCount(part);
    if (pages === undefined) throw new Error('Chromium wrote a PDF whose pages could not be counted');
    parts[index] = { file, pages };
    openings[index] = await pageOpenings(part, [config.title, article.title]).catch(() => []);
    const single = jobs.own ? await printArticle(jobs.own) : part;
    if (jobs.own) tick();
    const fits = [
      { where: jobs.own ? 'the book' : 'the book and its own PDF', tables: tables.get(jobs.book) ?? [] },
      { where: 'its own PDF', tables: (jobs.own && tables.get(jobs.own)) || [] },
    ].filter((f) => f.tables.length);
    if (fits.length) reportTables(ctx, article, fits);
    own[index] = await writeArticlePdf(ctx, article, single, folioFont, articleSetup);
  });
  const written = own.filter((f) => f !== undefined);

  // 2. Where every article starts, and the contents with those numbers.
  let front: Uint8Array;
  let starts: number[];
  let backPdf: Uint8Array | undefined;
  try {
    const draft = await frontDraft;
    backPdf = await backPrint;
    if (failed) return written;
    ({ front, starts } = await frontWithPages(quickPageCount(draft)!, partLengths(parts, backPdf), async (at) =>
      printFront(await frontJob(entries.map((e, i) => ({ ...e, page: at[i] })))),
    ));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    diagnostics.error('pdf-print', `Cannot print the book's cover, title page and contents: ${(error as Error).message}`, { file: config.file });
    return written;
  } finally {
    reportBlocked(ctx, run.blocked, FRONT_LABEL, config.file);
  }
  tick();
  // The print pages go now, to free their memory for the assembly (unless
  // the print edition follows); the browser itself belongs to the build
  // (the EPUB may still need it).
  if (!run.print) printer.close();

  // 3. The book, and a check that every article starts where the contents say.
  const name = `${config.output.name}.pdf`;
  const result = await assembleBook(ctx, path.join(ctx.outDir, name), front, parts, folioFont, tick, undefined, back && backPdf && { pdf: backPdf, title: back.title });
  const moved = entries.filter((_, i) => result.starts[i + 1] !== starts[i]);
  if (moved.length) {
    diagnostics.error('pdf-contents', `The contents give the wrong page for ${moved.map((e) => `"${e.title}"`).join(', ')}: this is a bug of the PDF output, please report it`, { file: config.file });
    return written;
  }
  const articles = book.articles.map((a, i) => {
    const first = result.starts[i + 1]!;
    const starts = (openings[i] ?? []).slice(1).map((text, k) => ({ page: first + k + 1, text }));
    return { slug: a.slug, first, last: first + parts[i]!.pages - 1, starts };
  });
  written.push({ path: name, bytes: result.bytes, pages: result.pages, articles });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  progress.end('pdf', `${n} articles and the book (${result.pages} pages) in ${seconds} s${jobsPerBrowser(run)}`);
  // 4. The print edition beside it (--print): the print interior, the cover wrap, the report.
  if (run.print) written.push(...(await printEdition(ctx, run, folioFont, result.pages)));
  return written;
}

const FRONT_LABEL = 'the front matter';
const BACK_LABEL = 'the sources and permissions';

/** The contents' entries, with the back matter's last when there is one. */
export function withBack(entries: TocEntry[], backTitle: string | undefined): TocEntry[] {
  return backTitle ? [...entries, { slug: '', back: true, title: backTitle, authors: '' }] : entries;
}

/** The page counts of the articles' parts, then of the back matter when there is one. */
export function partLengths(parts: readonly { pages: number }[], back: Uint8Array | undefined): number[] {
  return [...parts.map((p) => p.pages), ...(back ? [quickPageCount(back)!] : [])];
}

/**
 * The front matter with the real page numbers in its contents: each part
 * starts where `plan` puts it after `draftPages` of front matter, printed by
 * `print`. The numbers should not change the front matter's length; when
 * they do, the parts are planned again after the new length (three tries).
 */
export async function frontWithPages(draftPages: number, lengths: number[], print: (starts: number[]) => Promise<Uint8Array>): Promise<{ front: Uint8Array; starts: number[] }> {
  let frontPages = draftPages;
  for (let attempt = 1; ; attempt++) {
    const starts = plan(frontPages, lengths);
    const front = await print(starts);
    const pages = quickPageCount(front)!;
    if (pages === frontPages) return { front, starts };
    if (attempt === 3) throw new Error(`the contents take ${pages} pages with page numbers but ${frontPages} without`);
    frontPages = pages;
  }
}

/** First page of each article, given the pages of the front matter and of each article. */
export function plan(frontPages: number, articlePages: number[]): number[] {
  const starts: number[] = [];
  let last = frontPages;
  for (const pages of articlePages) {
    if (last % 2 === 1) last++; // a blank left-hand page
    starts.push(last + 1);
    last += pages;
  }
  return starts;
}

/**
 * Assembles the book from its parts; `print` makes the print interior
 * (print-interior.ts): no cover bookmark (it has no cover), boxes, marks and
 * no links, the margins of its pages, and an even page count.
 */
export async function assembleBook(
  ctx: OutputContext,
  file: string,
  front: Uint8Array,
  parts: { file: string; pages: number }[],
  folioFont: FolioFont,
  onPart: () => void,
  print?: { bleed: number; marks: boolean; sheet: { width: number; height: number }; margins: { inner: number; outer: number; bottom: number } },
  back?: { pdf: Uint8Array; title: string },
): Promise<AssembleResult> {
  const { book, templates } = ctx;
  const config = book.config;
  const labels = printLabels(templates.labels(config.lang ?? 'en'), config.lang ?? 'en');
  const tags = [...book.tags.keys()];
  const frontBookmarks = [
    { title: labels.cover!, dest: destName(FRONT_IDS.cover) },
    { title: labels.contents!, dest: destName(FRONT_IDS.contents) },
  ];
  const asm = new PdfAssembler({
    file,
    mode: 'book',
    rightHandStarts: true,
    ...(print ? { print: { bleed: print.bleed, marks: print.marks, sheet: print.sheet } } : {}),
    fontNames: realFontNames(),
    info: {
      title: config.subtitle ? `${config.title}: ${config.subtitle}` : config.title,
      author: formatNames(bookEditors(config), config.lang ?? 'en') || undefined,
      subject: config.description,
      keywords: tags.length ? tags.join(', ') : undefined,
      lang: config.lang ?? 'en',
      creator: 'anthology',
      created: pdfDate(),
    },
    folios: { font: folioFont, style: FOLIO_STYLE, margins: print?.margins ?? marginsInPoints(config.pdf.book) },
    links: (uri) => bookLink(book, uri),
    frontBookmarks: print ? frontBookmarks.slice(1) : frontBookmarks,
    pageLayout: 'TwoPageRight',
    rtl: config.writing === 'vertical',
  });
  try {
    await asm.addPart(front, { structType: 'Part' });
    const open = book.articles.length <= 12;
    for (const [i, article] of book.articles.entries()) {
      ctx.signal?.throwIfAborted();
      await asm.addPart(await readFile(parts[i]!.file), {
        structType: 'Art',
        folio: (page) => page > 0,
        bookmark: { title: article.title, open },
        startName: destName(startId(article)),
        headings: headingTexts(article),
      });
      onPart();
    }
    if (back) {
      await asm.addPart(back.pdf, { structType: 'Part', folio: (page) => page > 0, bookmark: { title: back.title, open: false }, startName: destName(BACK_ID), headings: [back.title] });
    }
    // A printer binds sheets: the print interior has an even page count.
    if (print && asm.pages % 2 === 1) asm.addBlankPage();
    return asm.finish();
  } catch (error) {
    asm.abandon();
    throw error;
  }
}
