/**
 * The static website: an index in book order, one page per article, tag
 * pages and an Atom feed, with every asset (CSS, fonts, images) local and no
 * JavaScript needed.
 */
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { assetBytes } from '../assets/files.ts';
import { fontFaceCss, fontFaces } from '../assets/fonts.ts';
import { siteMathFont } from '../assets/math-font.ts';
import { formatBytes } from '../format.ts';
import { resolveTree } from '../markdown/resolve.ts';
import { articleView, bookView, coverView, type Labels } from '../templates.ts';
import type { Article, Book } from '../types.ts';
import { fragmentFor } from '../urls.ts';
import { provenanceView } from '../provenance/provenance.ts';
import { SOURCES_PAGE, sourceEntries, sourcesLabels } from '../provenance/sources.ts';
import { needsSegmentation, SEARCH_DIR, SEARCH_PAGE, type StartedSearch } from './search.ts';
import { articlePages } from './book-pages.ts';
import { articleCitation } from './site-citation.ts';
import type { OutputContext, OutputFile } from './types.ts';

/** Stylesheets of the templates folder, in cascade order, bundled as `assets/site.css`. */
export const SITE_CSS = ['css/content.css', 'css/highlight.css', 'css/site.css', 'css/search.css', 'css/editorial.css'];

export interface Download {
  href: string;
  label: string;
  size: string;
}

/** What the site needs besides the common context. */
export interface SiteOptions {
  /**
   * The search index, opened by the build before the outputs (startSearch in
   * search.ts), so that Pagefind indexes while the PDFs print; it is the
   * build's to close. Absent: the site is built without search.
   */
  search?: Promise<StartedSearch | undefined>;
}

export async function writeSite(ctx: OutputContext, options: SiteOptions = {}): Promise<OutputFile[]> {
  return renderSite(ctx, await options.search);
}

/** Every article's body as its page shows it, in book order (also what the search index reads). */
export function siteTrees(book: Book): Root[] {
  return book.articles.map(siteTree);
}

/** An article's body as its page shows it. */
function siteTree(article: Article): Root {
  return resolveTree(article.tree, {
    articleHref: (slug, fragment) => `${slug}.html${fragment ? '#' + fragmentFor(fragment) : ''}`,
    assetHref: (name) => `../${name}`,
    remoteImages: 'keep',
  });
}

async function renderSite(ctx: OutputContext, started: StartedSearch | undefined): Promise<OutputFile[]> {
  const search = started?.index;
  const { book, templates, outDir } = ctx;
  const written: OutputFile[] = [];
  const write = async (rel: string, content: string | Buffer) => {
    const file = path.join(outDir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    written.push({ path: rel, bytes: Buffer.byteLength(content) });
  };
  const copy = async (source: string, rel: string) => {
    await copyFile(source, path.join(outDir, rel));
    written.push({ path: rel, bytes: (await stat(source)).size });
  };

  // Assets: fonts, one stylesheet, content-hashed images.
  ctx.progress.start('site', book.articles.length);
  const faces = fontFaces();
  await mkdir(path.join(outDir, 'assets/fonts'), { recursive: true });
  await Promise.all([...new Map(faces.map((f) => [f.file.name, f.file])).values()].map((f) => copy(f.source, `assets/fonts/${f.name}`)));
  const math = siteMathFont(book, 'fonts/');
  if (math) await copy(math.source, `assets/fonts/${math.name}`);
  const sheets = [...SITE_CSS, ...(book.config.writing === 'vertical' ? ['css/vertical.css', 'css/vertical-site.css'] : [])];
  const css = [fontFaceCss(faces, 'fonts/'), math?.css ?? '', ...(await Promise.all(sheets.map((name) => templates.read(name))))].join('\n');
  await write('assets/site.css', css);
  await mkdir(path.join(outDir, 'images'), { recursive: true });
  await Promise.all([...book.assets.values()].map(async (a) => write(a.name, await assetBytes(a))));

  const bv = bookView(book);
  const labels = templates.labels(bv.lang);
  const views = book.articles.map((a, i) => articleView(book, a, i));
  const bookDownloads = downloadsFor(ctx, labels, [
    [`${book.config.output.name}.pdf`, labels.download_book_pdf!],
    [`${book.config.output.name}.epub`, labels.download_book_epub!],
  ]);
  const sources = sourceEntries(book, (lang) => templates.labels(lang));
  const common = { book: bv, labels, bookDownloads, feed: 'feed.xml', tagCount: book.tags.size, search: search ? SEARCH_PAGE : undefined, sourcesPage: sources.length ? SOURCES_PAGE : undefined };

  await write('index.html', await templates.render('site/index', { ...common, root: '', articles: views }));

  // Pages in the anthology PDF, for each article's citation (the PDF output ran before).
  const pages = articlePages(ctx);
  for (const [i, article] of book.articles.entries()) {
    const tree = started?.trees[i] ?? siteTree(article);
    const articleLabels = templates.labels(article.lang);
    const pdf = `pdf/${article.slug}.pdf`;
    const citation = articleCitation(book, article, pages.get(article.slug), ctx.files.has(pdf) ? pdf : undefined);
    for (const f of citation.files) await write(f.path, f.content);
    const html = await templates.render('site/article', {
      ...common,
      root: '../',
      article: views[i],
      articleLabels,
      cover: coverView(article, (name) => `../${name}`),
      provenance: provenanceView(article, articleLabels),
      content: toHtml(tree),
      previous: views[i - 1],
      next: views[i + 1],
      articleDownloads: downloadsFor(ctx, labels, [[`pdf/${article.slug}.pdf`, labels.download_article_pdf!]]),
      citation: citation.view,
    });
    await write(`articles/${article.slug}.html`, html);
    ctx.progress.tick('site', i + 1, book.articles.length);
  }

  const tags = [...book.tags].map(([name, t]) => ({ name, slug: t.slug, count: t.articles.length }));
  if (tags.length) {
    await write('tags/index.html', await templates.render('site/tags', { ...common, root: '../', tags }));
    for (const [name, tag] of book.tags) {
      const list = views.filter((v) => tag.articles.includes(v.slug));
      await write(`tags/${tag.slug}.html`, await templates.render('site/tag', { ...common, root: '../', tag: { name, slug: tag.slug }, articles: list }));
    }
  }

  if (sources.length) await write(SOURCES_PAGE, await templates.render('site/sources', { ...common, root: '', sources: { ...sourcesLabels(labels, bv.lang), entries: sources } }));

  if (search) {
    const options = { bundle: `${SEARCH_DIR}/`, language: search.language, segment: needsSegmentation(search.language) };
    await write(SEARCH_PAGE, await templates.render('site/search', { ...common, root: '', searchPage: true, options }));
  }

  await write('feed.xml', await feed(ctx, book, views));
  ctx.progress.end('site', `${book.articles.length} pages`);
  if (search) written.push(...(await search.write()));
  return written;
}

/** Download links for the files that other outputs of this build wrote. */
function downloadsFor(ctx: OutputContext, labels: Labels, candidates: [string, string][]): Download[] {
  return candidates.flatMap(([file, label]) => {
    const f = ctx.files.get(file);
    if (!f) return [];
    const kind = file.endsWith('.epub') ? 'EPUB' : 'PDF';
    return [{ href: file, label, size: `${kind} · ${formatBytes(f.bytes)}${f.pages ? ` · ${f.pages} ${labels.pages ?? 'pp.'}` : ''}` }];
  });
}


async function feed(ctx: OutputContext, book: Book, views: ReturnType<typeof articleView>[]): Promise<string> {
  const base = book.config.site.url?.replace(/\/?$/, '/');
  const id = book.config.identifier ?? `urn:anthology:${encodeURIComponent(book.config.title)}`;
  const newest = [...views]
    .map((v, i) => ({ v, a: book.articles[i]! }))
    .sort((x, y) => (y.a.updated ?? y.a.date ?? '').localeCompare(x.a.updated ?? x.a.date ?? ''))
    .slice(0, book.config.site.feedItems);
  // Atom needs a time zone: a date, or a time written without one, counts from midnight UTC.
  const stamp = (d?: string) => (d ? (/(Z|[+-]\d\d:\d\d)$/.test(d) ? d : `${d.slice(0, 10)}T00:00:00Z`) : undefined);
  const entries = newest.map(({ v, a }) => ({
    ...v,
    href: `${base ?? ''}articles/${encodeURIComponent(a.slug)}.html`,
    id: `${id}/${encodeURIComponent(a.slug)}`,
    updated: stamp(a.updated ?? a.date) ?? '1970-01-01T00:00:00Z',
    published: stamp(a.date),
    authorList: a.authors,
  }));
  return ctx.templates.render('site/feed', {
    book: bookView(book),
    id,
    base,
    updated: entries.map((e) => e.updated).sort().pop() ?? '1970-01-01T00:00:00Z',
    entries,
  });
}
