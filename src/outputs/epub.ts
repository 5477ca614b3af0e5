/**
 * The EPUB 3 anthology, `<output.name>.epub`: a cover, a title page, the
 * navigation document (nested TOC and landmarks) and an NCX, then one chapter
 * per article, with the book's fonts subset to the characters it uses and
 * only local images. The same input (and SOURCE_DATE_EPOCH) gives the same
 * bytes. The parts live in src/outputs/epub/; packaging, and why
 * epub-gen-memory is wrapped the way it is, in epub/package.ts.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { epubBox, fitImage } from '../assets/downscale.ts';
import { assetBytes } from '../assets/files.ts';
import { bookEditors, type BookConfig } from '../config.ts';
import { formatBytes, sourceDateEpoch } from '../format.ts';
import { resolveTree } from '../markdown/resolve.ts';
import { provenanceView } from '../provenance/provenance.ts';
import { articleView, bookView, coverView, type Labels, type Templates } from '../templates.ts';
import type { Book } from '../types.ts';
import { strictUri } from '../urls.ts';
import type { SharedBrowser } from '../browser/pool.ts';
import { EpubBrowser } from './epub/browser.ts';
import { chapterDocument, createChapterProcessor, prepareChapter } from './epub/chapter.ts';
import { makeCover } from './epub/cover.ts';
import { sourcesDocument } from './epub/sources.ts';
import { markPageBreaks } from './epub/page-breaks.ts';
import { anthologyPdf, articlePages } from './book-pages.ts';
import { FontPlanner } from './epub/fonts.ts';
import { idMapFor, mapFragment } from './epub/ids.ts';
import { MISSING_IMAGE } from './epub/image-fallbacks.ts';
import { type EpubImage, prepareImages } from './epub/images.ts';
import { profileRules, withoutColours } from './epub/profile.ts';
import { CSS_FILE, NAV_FILE, NCX_FILE, packageEpub, type PackageFile } from './epub/package.ts';
import { BODY_SLOT, collectXhtml, generatedText } from './epub/text.ts';
import { xmlChars } from './epub/xml.ts';
import type { OutputContext, OutputFile } from './types.ts';

const COVER_PAGE = 'cover.xhtml';
const TITLE_PAGE = 'titlepage.xhtml';

/** What the EPUB output needs besides the common context. */
export interface EpubOptions {
  /** The build's browsers (src/browser/pool.ts), for the cover and image conversion; never launched or closed here. */
  browser: SharedBrowser;
}

export async function writeEpub(ctx: OutputContext, options: EpubOptions): Promise<OutputFile[]> {
  const { book, templates, diagnostics, progress } = ctx;
  const config = book.config;
  progress.start('epub', book.articles.length);
  const view = bookView(book);
  const lang = view.lang;
  const labelsFor = await epubLabels(templates);
  const labels = labelsFor(lang);
  const identifier = bookIdentifier(config);
  const modified = modifiedDate(book, process.env, ctx);
  const editorLine = view.editors ? (labels.edited_line ?? '{names}').replace('{names}', view.editors) : undefined;
  const browser = new EpubBrowser(config, options.browser);
  const rules = profileRules(config.epub.profile);
  let coverTask: Promise<EpubImage> | undefined;

  try {
    // Images, then the cover, which renders in Chromium while the chapters are made.
    // No larger than the pages show at 300 dpi, nor than e-readers handle (src/assets/downscale.ts).
    const box = epubBox(config);
    const images = await prepareImages(book.assets.values(), { diagnostics, browser }, async (asset) => (await fitImage(asset, box, ctx.cache))?.bytes ?? assetBytes(asset));
    ctx.signal?.throwIfAborted();
    coverTask = makeCover({ book, view, labels, templates, diagnostics, browser, editorLine, format: rules.coverFormat });
    coverTask.catch(() => {});

    // Chapters: ids of every article first, so links can point into others.
    const width = Math.max(3, String(book.articles.length).length);
    const fileOf = new Map(book.articles.map((a, i) => [a.slug, `a${String(i + 1).padStart(width, '0')}.xhtml`]));
    const idMaps = new Map(book.articles.map((a) => [a.slug, idMapFor(a.tree)]));
    const chapters = createChapterProcessor();
    // The characters each document shows, by style, for the fonts (chapters as they are made).
    const planner = new FontPlanner();
    const documents: { filename: string; title: string; xhtml: string }[] = [];
    const usedImages = new Set<EpubImage>();
    let imageCount = 0;
    let imagesWithoutAlt = 0;
    const toc: TocEntry[] = [];
    // The anthology PDF's pages, when this build printed it: markers where they begin, and the page list.
    const pdfPages = articlePages(ctx);
    const pageList: { href: string; label: string }[] = [];
    let pagesMissed = 0;
    for (const [i, article] of book.articles.entries()) {
      const articleLabels = labelsFor(article.lang);
      const ids = idMaps.get(article.slug)!;
      const file = fileOf.get(article.slug)!;
      const resolved = resolveTree(article.tree, {
        articleHref: (slug, fragment) => {
          const target = fileOf.get(slug) ?? file;
          const id = fragment ? mapFragment(idMaps.get(slug) ?? new Map(), fragment) : undefined;
          return target + (id ? `#${id}` : '');
        },
        assetHref: (name) => {
          const image = images.get(name);
          if (!image) return MISSING_IMAGE + name;
          usedImages.add(image);
          return image.href;
        },
        remoteImages: 'placeholder',
        imageLabel: articleLabels.image ?? 'Image',
      });
      const prepared = prepareChapter(chapters, resolved, { ids, imageLabel: articleLabels.image ?? 'Image' });
      imageCount += prepared.images;
      const pages = pdfPages.get(article.slug);
      if (pages) {
        const breaks = markPageBreaks(prepared.tree, pages.starts);
        pageList.push({ href: `${file}#page-${pages.first}`, label: String(pages.first) }, ...breaks.placed.map((p) => ({ href: `${file}#${p.id}`, label: String(p.page) })));
        pagesMissed += breaks.missed.length;
      }
      imagesWithoutAlt += prepared.imagesWithoutAlt;
      const av = articleView(book, article, i);
      const cover = coverView(article, (name) => {
        const image = images.get(name);
        if (image) usedImages.add(image);
        return image?.href;
      });
      if (cover) imageCount++;
      const shell = await templates.render('epub/chapter', {
        book: view,
        article: { ...av, sourceHref: httpUrl(article.source) },
        labels: articleLabels,
        stylesheet: CSS_FILE,
        cover,
        provenance: provenanceView(article, articleLabels),
        firstPage: pages?.first,
        content: BODY_SLOT,
      });
      documents.push({ filename: file, title: article.title, xhtml: chapterDocument(shell, prepared.tree, planner) });
      toc.push({
        title: article.title,
        href: file,
        lang: article.lang !== lang ? article.lang : undefined,
        children: sections(article.headings, file, ids, rules.tocDepth),
      });
      progress.tick('epub', i + 1, book.articles.length);
      ctx.signal?.throwIfAborted();
      // Let the cover's browser traffic through between chapters.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // "Sources and permissions", after the chapters.
    const back = await sourcesDocument(book, templates, view, labelsFor, CSS_FILE);
    if (back) {
      collectXhtml(back.xhtml, planner);
      documents.push(back);
      toc.push({ title: back.title, href: back.filename, children: [] });
    }
    numberToc(toc);
    const cover = await coverTask;
    ctx.signal?.throwIfAborted();

    // Front matter and navigation.
    const common = { book: view, labels, stylesheet: CSS_FILE, editorLine };
    const coverPage = xmlChars(await templates.render('epub/cover-page', { ...common, image: cover, alt: `${labels.cover}: ${view.title}` }));
    const titlePage = xmlChars(
      await templates.render('epub/title-page', { ...common, articlesLine: (labels.articles_line ?? '{count}').replace('{count}', String(book.articles.length)) }),
    );
    const firstChapter = documents[0]?.filename ?? TITLE_PAGE;
    const landmarks = [
      { type: 'cover', href: COVER_PAGE, title: labels.cover },
      { type: 'titlepage', href: TITLE_PAGE, title: labels.title_page },
      { type: 'toc', href: `${NAV_FILE}#toc`, title: labels.toc },
      { type: 'bodymatter', href: firstChapter, title: labels.start },
    ];
    const nav = xmlChars(await templates.render('epub/nav', { ...common, toc, landmarks, pageList }));
    const ncx = xmlChars(await templates.render('epub/ncx', { book: view, identifier, toc, depth: tocDepth(toc) }));

    // Fonts, subset to what the documents render, and the stylesheet.
    // A book set vertically (src/editions/vertical.ts): its columns, and a spine read from right to left (package.liquid).
    const vertical = config.writing === 'vertical';
    const sheets = ['css/epub.css', 'css/editorial.css', ...(vertical ? ['css/vertical.css', 'css/vertical-epub.css'] : [])];
    const theme = (await Promise.all(sheets.map((name) => templates.read(name)))).join('\n');
    const css = rules.colours ? theme : withoutColours(theme);
    for (const doc of [coverPage, titlePage, nav]) collectXhtml(doc, planner);
    const generated = generatedText(css);
    for (const role of ['latin', 'cjk'] as const) planner.add({ role, bold: false, italic: false }, generated);
    const fonts = await planner.build();
    const stylesheet = `${fonts.css}\n\n${css
      .replace(/var\(--font-latin\)/g, fonts.stacks.latin)
      .replace(/var\(--font-cjk\)/g, fonts.stacks.cjk)
      .replace(/var\(--font-mono\)/g, fonts.stacks.mono)
      .replace(/var\(--font-math\)/g, fonts.stacks.math)}`;
    ctx.signal?.throwIfAborted();

    // The package document.
    // One file per href: the same picture under two names is stored once.
    const imageList = [...new Map([...usedImages].map((img) => [img.href, img])).values()].sort((a, b) => a.href.localeCompare(b.href));
    const coverIsSvgPage = Boolean(cover.width && cover.height);
    const manifest: ManifestItem[] = [
      { id: 'cover-page', href: COVER_PAGE, mediaType: 'application/xhtml+xml', properties: coverIsSvgPage ? 'svg' : undefined },
      { id: 'title-page', href: TITLE_PAGE, mediaType: 'application/xhtml+xml' },
      { id: 'nav', href: NAV_FILE, mediaType: 'application/xhtml+xml', properties: 'nav' },
      ...documents.map((d) => ({ id: d.filename.replace(/\.xhtml$/, ''), href: d.filename, mediaType: 'application/xhtml+xml', properties: contentProperties(d.xhtml) })),
      { id: 'ncx', href: NCX_FILE, mediaType: 'application/x-dtbncx+xml' },
      { id: 'css', href: CSS_FILE, mediaType: 'text/css' },
      { id: 'cover-image', href: cover.href, mediaType: cover.mediaType, properties: 'cover-image' },
      ...imageList.filter((img) => img.href !== cover.href).map((img, i) => ({ id: `img-${i + 1}`, href: img.href, mediaType: img.mediaType })),
      ...fonts.files.map((f, i) => ({ id: `font-${i + 1}`, href: f.href, mediaType: f.mediaType })),
    ];
    const authors = [...new Set(book.articles.flatMap((a) => a.authors))];
    const opf = xmlChars(
      await templates.render('epub/package', {
        book: view,
        identifier,
        modified: modified.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        creators: bookEditors(config).map((name, i) => ({ id: `editor-${i + 1}`, name, role: 'edt' })),
        contributors: authors.map((name, i) => ({ id: `author-${i + 1}`, name, role: 'aut' })),
        subjects: [...book.tags.keys()],
        a11y: accessibility(labels, imageCount, imagesWithoutAlt, imageList, config.epub.certifiedBy ?? 'anthology', pageList.length > 0),
        // Whose pages the page list gives: the anthology PDF.
        pageSource: pageList.length ? `${view.title}${view.subtitle ? `${/^(zh|ja)\b/i.test(lang) ? '：' : ': '}${view.subtitle}` : ''} (PDF, ${anthologyPdf(ctx)!.path})` : undefined,
        coverImageId: 'cover-image',
        manifest,
        pageProgression: vertical ? 'rtl' : undefined,
        spine: ['cover-page', 'title-page', 'nav', ...documents.map((d) => d.filename.replace(/\.xhtml$/, ''))],
        guide: [
          { type: 'cover', title: labels.cover, href: COVER_PAGE },
          { type: 'title-page', title: labels.title_page, href: TITLE_PAGE },
          { type: 'toc', title: labels.toc, href: NAV_FILE },
          { type: 'text', title: labels.start, href: firstChapter },
        ],
      }),
    );

    const stored = (mediaType: string) => /^image\/(png|jpeg|gif)$/.test(mediaType);
    const bytes = await packageEpub({
      title: view.title,
      lang,
      identifier,
      modified,
      css: stylesheet,
      documents: [{ filename: COVER_PAGE, title: labels.cover ?? 'Cover', xhtml: coverPage }, { filename: TITLE_PAGE, title: view.title, xhtml: titlePage }, ...documents],
      opf,
      ncx,
      nav,
      fonts: fonts.files.map((f): PackageFile => ({ href: f.href, bytes: f.bytes })),
      images: [cover, ...imageList.filter((img) => img.href !== cover.href)].map((img): PackageFile => ({ href: img.href, bytes: img.bytes, store: stored(img.mediaType) })),
    });
    const name = `${config.output.name}.epub`;
    await writeFile(path.join(ctx.outDir, name), bytes);
    const fontBytes = fonts.files.reduce((n, f) => n + f.bytes.length, 0);
    const pageLine = pdfPages.size ? `, page list: ${pageList.length} pages of the PDF${pagesMissed ? ` (${pagesMissed} not found in the text)` : ''}` : '';
    progress.end('epub', `${formatBytes(bytes.length)} (${fonts.files.length} fonts, ${formatBytes(fontBytes)})${pageLine}`);
    return [{ path: name, bytes: bytes.length }];
  } finally {
    // Never leave with the cover still rendering: the build closes the browser after this.
    await coverTask?.catch(() => {});
  }
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

/** The configured identifier, else a name-based UUID (version 5) of the title and editors: the same book keeps it. */
export function bookIdentifier(config: BookConfig): string {
  if (config.identifier) return config.identifier;
  // The RFC 4122 URL namespace, with a name of our own.
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const name = `anthology:${JSON.stringify([config.title, ...bookEditors(config)])}`;
  const b = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `dcterms:modified`: SOURCE_DATE_EPOCH when set, else the latest article
 * date (or update) at midnight UTC, else the config's date, else 1980-01-01.
 */
export function modifiedDate(book: Book, env: NodeJS.ProcessEnv, ctx?: Pick<OutputContext, 'diagnostics'>): Date {
  const epoch = sourceDateEpoch(env);
  if (epoch instanceof Date) return epoch;
  if (epoch === 'invalid') ctx?.diagnostics.warn('source-date-epoch', `Unexpected SOURCE_DATE_EPOCH "${env.SOURCE_DATE_EPOCH}": expected whole seconds since 1970; using the article dates instead`);
  let latest: number | undefined;
  for (const a of book.articles) {
    for (const d of [a.date, a.updated]) {
      const t = d ? Date.parse(d.length === 10 ? `${d}T00:00:00Z` : d) : NaN;
      if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
    }
  }
  if (latest === undefined && book.config.date) latest = Date.parse(`${book.config.date}T00:00:00Z`);
  return new Date(Math.floor((latest ?? Date.UTC(1980, 0, 1)) / 1000) * 1000);
}

/**
 * What EPUB Accessibility 1.1 conformance this book claims, and who checked:
 * every image described is what the build cannot guarantee by itself (an
 * article's images may lack alt text); everything else WCAG 2.2 AA asks of a
 * book like this (contrast of the theme's colours, links told apart from
 * text, named controls, language of each chapter, reading order, navigation)
 * the templates provide, and the test suite holds them to Ace by DAISY.
 */
const CONFORMANCE = 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA';

function accessibility(labels: Labels, images: number, withoutAlt: number, files: EpubImage[], certifiedBy: string, pageList: boolean) {
  const described = images > 0 && withoutAlt === 0;
  return {
    conformsTo: withoutAlt === 0 ? CONFORMANCE : undefined,
    certifiedBy,
    accessMode: images ? ['textual', 'visual'] : ['textual'],
    accessModeSufficient: images ? (described ? ['textual', 'textual,visual'] : ['textual,visual']) : ['textual'],
    accessibilityFeature: [
      'structuralNavigation',
      'tableOfContents',
      'readingOrder',
      'displayTransformability',
      ...(described ? ['alternativeText'] : []),
      // The page list: the anthology PDF's page numbers (epub/page-breaks.ts).
      ...(pageList ? ['printPageNumbers', 'pageNavigation'] : []),
    ],
    // An animated GIF could flash; nothing else in the book moves or sounds.
    accessibilityHazard: files.some((f) => f.mediaType === 'image/gif') ? ['unknown'] : ['none'],
    accessibilitySummary: labels.a11y_summary ?? '',
  };
}

function httpUrl(value: string | undefined): string | undefined {
  return value && /^https?:\/\//i.test(value) ? strictUri(value) : undefined;
}

/** Labels of templates/labels.yaml with those of templates/epub/labels.yaml on top. */
async function epubLabels(templates: Templates): Promise<(lang: string) => Labels> {
  let own: Record<string, Labels> = {};
  try {
    own = (parseYaml(await templates.read('epub/labels.yaml')) ?? {}) as Record<string, Labels>;
  } catch {
    // A templates folder without EPUB labels: the English defaults below.
  }
  const fallback = own.en ?? {};
  return (lang) => ({ cover: 'Cover', title_page: 'Title page', toc: 'Contents', landmarks: 'Guide', start: 'Start of content', ...templates.labels(lang), ...fallback, ...(own[lang.toLowerCase().split('-')[0]!] ?? {}) });
}

// ---------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------

interface TocEntry {
  title: string;
  href: string;
  lang?: string;
  children: TocEntry[];
  navId?: string;
  playOrder?: number;
}

interface ManifestItem {
  id: string;
  href: string;
  mediaType: string;
  properties?: string;
}

/** An article's h2 sections with their h3 subsections, pointing at the EPUB ids. */
function sections(headings: Book['articles'][number]['headings'], file: string, ids: ReadonlyMap<string, string>, tocDepth: number): TocEntry[] {
  const out: TocEntry[] = [];
  if (tocDepth < 2) return out;
  for (const h of headings) {
    const id = ids.get(h.id);
    if (!id) continue;
    const entry: TocEntry = { title: h.text, href: `${file}#${id}`, children: [] };
    const parent = out[out.length - 1];
    if (h.depth === 3 && parent) {
      if (tocDepth >= 3) parent.children.push(entry);
    } else out.push(entry);
  }
  return out;
}

function numberToc(toc: TocEntry[]): void {
  let n = 0;
  const walk = (entries: TocEntry[]) => {
    for (const e of entries) {
      n++;
      e.navId = `nav-${n}`;
      e.playOrder = n;
      walk(e.children);
    }
  };
  walk(toc);
}

/** A chapter's manifest properties: MathML and inline SVG (diagrams) must be declared. */
function contentProperties(xhtml: string): string | undefined {
  const properties = [/<math[\s>]/.test(xhtml) && 'mathml', /<svg[\s>]/.test(xhtml) && 'svg'].filter(Boolean);
  return properties.length ? properties.join(' ') : undefined;
}

function tocDepth(toc: TocEntry[]): number {
  const depth = (entries: TocEntry[]): number => (entries.length ? 1 + Math.max(...entries.map((e) => depth(e.children))) : 0);
  return Math.max(1, depth(toc));
}

