/**
 * An article's own PDF (`pdf/<slug>.pdf`), assembled from its print with
 * page numbers, metadata and links to the other articles' PDFs; kept in the
 * build cache under everything it is made from.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hashOf, toolFingerprint } from '../../cache.ts';
import { formatNames } from '../../templates.ts';
import type { Article } from '../../types.ts';
import type { OutputContext, OutputFile } from '../types.ts';
import { PdfAssembler } from './assemble.ts';
import { headingTexts } from './documents.ts';
import type { FolioFont } from './folio.ts';
import { FOLIO_STYLE, pdfDate } from './jobs.ts';
import { articleLink } from './links.ts';
import { quickPageCount } from './pdf-file.ts';
import { realFontNames } from './print-fonts.ts';
import { marginsInPoints, type PageSetup } from './setup.ts';

/**
 * An article's own PDF, from its print; from the build cache when the print
 * and everything else it is made from (the article's metadata, the other
 * articles its links can point to, the page setup) are unchanged.
 */
export async function writeArticlePdf(ctx: OutputContext, article: Article, pdf: Uint8Array, folioFont: FolioFont, setup: PageSetup): Promise<OutputFile> {
  const rel = `pdf/${article.slug}.pdf`;
  const file = path.join(ctx.outDir, rel);
  const info = {
    title: article.title,
    author: formatNames(article.authors, article.lang) || undefined,
    subject: article.summary ?? (article.excerpt || undefined),
    keywords: article.tags.length ? article.tags.join(', ') : undefined,
    lang: article.lang,
    creator: 'anthology',
    created: pdfDate(),
  };
  const cache = ctx.cache?.enabled ? ctx.cache : undefined;
  const key = cache && hashOf(await toolFingerprint(), hashOf(pdf), JSON.stringify(info), JSON.stringify(setup), JSON.stringify(headingTexts(article)), slugsKey(ctx.book));
  const hit = key && (await cache.readBytes('pdf-own', key, '.pdf'));
  const pages = hit && quickPageCount(hit);
  if (hit && pages) {
    await writeFile(file, hit);
    return { path: rel, bytes: hit.length, pages };
  }
  const asm = new PdfAssembler({
    file,
    mode: 'single',
    rightHandStarts: false,
    rtl: ctx.book.config.writing === 'vertical',
    fontNames: realFontNames(),
    info,
    folios: { font: folioFont, style: FOLIO_STYLE, margins: marginsInPoints(setup) },
    links: (uri) => articleLink(ctx.book, uri),
  });
  try {
    await asm.addPart(pdf, { folio: (page) => page > 0, headings: headingTexts(article) });
    const result = asm.finish();
    if (key) await cache.writeBytes('pdf-own', key, '.pdf', await readFile(file));
    return { path: rel, bytes: result.bytes, pages: result.pages };
  } catch (error) {
    asm.abandon();
    throw error;
  }
}

/** The articles' slugs: where links between articles' own PDFs can point. */
const slugsKeys = new WeakMap<object, string>();
function slugsKey(book: OutputContext['book']): string {
  let key = slugsKeys.get(book);
  if (!key) slugsKeys.set(book, (key = hashOf(...book.articles.map((a) => a.slug))));
  return key;
}
