/**
 * Citable articles (issue #15): every article page carries citation meta
 * tags and a "Cite this" block with its reference (GB/T 7714 in Chinese,
 * Chicago in English) and CSL-JSON and BibTeX files; the book writes
 * citations.json; the EPUB's page list gives the anthology PDF's pages.
 * Page numbers are checked against the PDF itself, read with pdftotext.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { readBibliography } from '../src/citations/bibliography.ts';
import { matchText } from '../src/outputs/book-pages.ts';
import { markPageBreaks } from '../src/outputs/epub/page-breaks.ts';
import { buildFixture, type FixtureBuild } from './helpers/build.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { epubcheck, findEpubcheck } from './helpers/epubcheck.ts';
import { pageTexts } from './helpers/pdf-tools.ts';
import { axe, runAce } from './helpers/readers.ts';
import { type Served, serveFolder } from './helpers/static.ts';
import type { Element, Root } from 'hast';

let built: FixtureBuild;
let pdfPages: string[];
beforeAll(async () => {
  built = await buildFixture('citable', { formats: ['pdf', 'epub', 'html'] });
  if (built.result.ok) pdfPages = pageTexts(path.join(built.out, 'type-and-light.pdf'));
}, 300_000);
afterAll(() => built?.cleanup());

const ARTICLES = [
  { slug: '01-composing-room', title: '排字房的三十年' },
  { slug: '02-proofreader', title: "The Proofreader's Lamp" },
  { slug: '03-note', title: '编后记' },
];

/** The `<meta name content>` pairs of a page, unescaped. */
function metaTags(html: string): [string, string][] {
  const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...html.matchAll(/<meta name="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]);
}
const metaOf = (html: string, name: string) => metaTags(html).filter(([n]) => n === name).map(([, c]) => c);

/** What a reader reads of an element: text without tags, spaces collapsed. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();

function citeBlock(html: string): string {
  return /<section class="cite-this"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
}

describe('the article pages', () => {
  it('build without a warning', () => {
    expect(built.result.diagnostics.report()).toEqual([]);
    expect(built.result.ok).toBe(true);
  });

  it("carry citation_* and Dublin Core meta tags whose pages are the article's pages in the anthology PDF", async () => {
    const seen: number[] = [];
    for (const a of ARTICLES) {
      const html = await built.read(`articles/${a.slug}.html`);
      expect(metaOf(html, 'citation_title')).toEqual([a.title]);
      expect(metaOf(html, 'citation_inbook_title')).toEqual(['铅字与光：关于印刷的文章']);
      expect(metaOf(html, 'citation_publication_date')).toEqual(['2025/06/01']);
      expect(metaOf(html, 'citation_publisher')).toEqual(['江岸出版社']);
      expect(metaOf(html, 'citation_pdf_url')).toEqual([`https://books.example.org/type-and-light/pdf/${a.slug}.pdf`]);
      expect(metaOf(html, 'DC.title')).toEqual([a.title]);
      expect(metaOf(html, 'DC.publisher')).toEqual(['江岸出版社']);
      expect(metaOf(html, 'DC.date')).toEqual(['2025-06-01']);
      const first = Number(metaOf(html, 'citation_firstpage')[0]);
      const last = Number(metaOf(html, 'citation_lastpage')[0]);
      // The title is on the first page (pdftotext's pages are 0-based), the page before it is not the article's.
      expect(pdfPages[first - 1], `${a.slug} page ${first}`).toContain(a.title);
      expect(pdfPages[first - 2]).not.toContain(a.title);
      // The last page has text; the page after it is blank or the next article's first.
      expect(pdfPages[last - 1]!.trim()).not.toBe('');
      const next = ARTICLES[ARTICLES.indexOf(a) + 1];
      if (last < pdfPages.length) expect(pdfPages[last]!.trim() === '' || (next !== undefined && pdfPages[last]!.includes(next.title))).toBe(true);
      seen.push(first, last);
    }
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const zh = await built.read('articles/01-composing-room.html');
    expect(metaOf(zh, 'citation_author')).toEqual(['沈知行']);
    expect(metaOf(zh, 'citation_language')).toEqual(['zh-CN']);
    expect(metaOf(zh, 'DC.source')).toEqual(['https://www.example.com/essays/composing-room']);
    const en = await built.read('articles/02-proofreader.html');
    expect(metaOf(en, 'DC.creator')).toEqual(['Ada Brennan']);
    expect(metaOf(en, 'DC.language')).toEqual(['en']);
  });

  it('show "Cite this" in GB/T 7714 for a Chinese article, with its pages', async () => {
    const html = await built.read('articles/01-composing-room.html');
    const [first, last] = [metaOf(html, 'citation_firstpage')[0], metaOf(html, 'citation_lastpage')[0]];
    const block = citeBlock(html);
    expect(block).toContain('<h2 class="cite-this-title" id="cite-this-title">引用本文</h2>');
    expect(textOf(/<p class="cite-this-reference">([\s\S]*?)<\/p>/.exec(block)![1]!)).toBe(
      `沈知行. 排字房的三十年[M/OL]//林秋. 铅字与光：关于印刷的文章. 江岸出版社, 2025: ${first}-${last}. https://books.example.org/type-and-light/articles/01-composing-room.html.`,
    );
  });

  it('show "Cite this" in Chicago for an English article: a chapter of an edited book', async () => {
    const html = await built.read('articles/02-proofreader.html');
    const [first, last] = [metaOf(html, 'citation_firstpage')[0], metaOf(html, 'citation_lastpage')[0]];
    const block = citeBlock(html);
    expect(block).toContain('>Cite this article</h2>');
    expect(textOf(/<p class="cite-this-reference">([\s\S]*?)<\/p>/.exec(block)![1]!)).toBe(
      `Brennan, Ada. 2025. “The Proofreader’s Lamp.” In 铅字与光：关于印刷的文章, edited by 林秋, ${first}–${last}. 江岸出版社. https://books.example.org/type-and-light/articles/02-proofreader.html.`,
    );
  });

  it('offer the CSL-JSON and BibTeX of the article, which parse and say the same', async () => {
    for (const a of ARTICLES) {
      const html = await built.read(`articles/${a.slug}.html`);
      const block = citeBlock(html);
      expect(block).toContain(`<a href="${a.slug}.json" download type="application/vnd.citationstyles.csl+json">CSL-JSON</a>`);
      expect(block).toContain(`<a href="${a.slug}.bib" download type="application/x-bibtex">BibTeX</a>`);
      const [first, last] = [metaOf(html, 'citation_firstpage')[0], metaOf(html, 'citation_lastpage')[0]];
      const pages = first === last ? first : `${first}-${last}`;
      const [item, ...more] = JSON.parse(await built.read(`articles/${a.slug}.json`)) as Record<string, unknown>[];
      expect(more).toEqual([]);
      expect(item).toMatchObject({ type: 'chapter', title: a.title, 'container-title': '铅字与光：关于印刷的文章', editor: [{ literal: '林秋' }], publisher: '江岸出版社', page: pages });
      const bib = await readBibliography(path.join(built.out, 'articles', `${a.slug}.bib`));
      expect('items' in bib, JSON.stringify(bib)).toBe(true);
      if (!('items' in bib)) continue;
      const [entry] = [...bib.items.values()];
      expect(entry).toMatchObject({ type: 'chapter', title: a.title, 'container-title': '铅字与光：关于印刷的文章', publisher: '江岸出版社', page: pages });
      expect(await built.read(`articles/${a.slug}.bib`)).toMatch(/^@incollection\{/);
    }
  });
});

describe('citations.json', () => {
  it("lists every article with its page range in the anthology PDF, the book and the article's address", async () => {
    const items = JSON.parse(await built.read('citations.json')) as Record<string, unknown>[];
    expect(items.map((i) => i.title)).toEqual(ARTICLES.map((a) => a.title));
    const pdf = built.result.files.find((f) => f.path === 'type-and-light.pdf')!;
    for (const [n, item] of items.entries()) {
      const a = pdf.articles![n]!;
      expect(item.page).toBe(a.first === a.last ? String(a.first) : `${a.first}-${a.last}`);
      expect(pdfPages[a.first - 1]).toContain(ARTICLES[n]!.title);
      expect(item).toMatchObject({
        type: 'chapter',
        'container-title': '铅字与光：关于印刷的文章',
        editor: [{ literal: '林秋' }],
        publisher: '江岸出版社',
        issued: { 'date-parts': [[2025, 6, 1]] },
        URL: `https://books.example.org/type-and-light/articles/${ARTICLES[n]!.slug}.html`,
      });
    }
    expect(items[1]!.author).toEqual([{ family: 'Brennan', given: 'Ada' }]);
  });
});

describe("the EPUB's page list", () => {
  const epubFile = () => path.join(built.out, 'type-and-light.epub');

  it("gives the anthology PDF's pages, each marker where that page of the PDF begins", () => {
    const files = zipFiles(readFileSync(epubFile()));
    const nav = files.text('OEBPS/toc.xhtml');
    const list = /<nav epub:type="page-list"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '';
    const entries = [...list.matchAll(/<li><a href="([^"#]+)#([^"]+)">(\d+)<\/a><\/li>/g)].map((m) => ({ file: m[1]!, id: m[2]!, page: Number(m[3]) }));
    const pdf = built.result.files.find((f) => f.path === 'type-and-light.pdf')!;
    // Every page of every article that has text: the fixture's pages all begin with text the EPUB has.
    const expected = pdf.articles!.flatMap((a) => Array.from({ length: a.last - a.first + 1 }, (_, k) => a.first + k));
    expect(entries.map((e) => e.page)).toEqual(expected);
    for (const e of entries) {
      const xhtml = files.text(`OEBPS/${e.file}`);
      const at = xhtml.indexOf(`<span id="${e.id}" epub:type="pagebreak" role="doc-pagebreak" aria-label="${e.page}"></span>`);
      expect(at, `page ${e.page}`).toBeGreaterThan(0);
      // The text after the marker is the text the PDF's page begins with (its running head aside).
      const after = matchText(textOf(xhtml.slice(at))).slice(0, 10);
      const page = matchText(pdfPages[e.page - 1]!);
      expect(page.slice(0, 40), `page ${e.page}`).toContain(after);
    }
    // The page of the second section of the English article starts with its heading: the marker is before the heading.
    expect(files.text('OEBPS/a002.xhtml')).toMatch(/aria-label="\d+"><\/span><h2 id="late-editions">/);
  });

  it('names its source in the package document and declares print page numbers', () => {
    const opf = zipFiles(readFileSync(epubFile())).text('OEBPS/content.opf');
    expect(opf).toContain('<dc:source id="print-source">铅字与光：关于印刷的文章 (PDF, type-and-light.pdf)</dc:source>');
    expect(opf).toContain('<meta refines="#print-source" property="source-of">pagination</meta>');
    expect(opf).toContain('<meta property="schema:accessibilityFeature">printPageNumbers</meta>');
    expect(opf).toContain('<meta property="schema:accessibilityFeature">pageNavigation</meta>');
  });

  it('passes epubcheck and Ace by DAISY', async () => {
    const found = findEpubcheck();
    expect('jar' in found, 'missing' in found ? found.missing : '').toBe(true);
    if ('jar' in found) {
      const { messages } = await epubcheck(found.jar, epubFile());
      expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity))).toEqual([]);
    }
    const report = await runAce(epubFile());
    expect(report.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);
  }, 300_000);
});

describe('without an anthology PDF', () => {
  let html: FixtureBuild;
  beforeAll(async () => {
    html = await buildFixture('citable', { formats: ['html'] });
  }, 120_000);
  afterAll(() => html?.cleanup());

  it('has no page tags, and references and citations.json without pages', async () => {
    const page = await html.read('articles/02-proofreader.html');
    expect(metaOf(page, 'citation_firstpage')).toEqual([]);
    expect(metaOf(page, 'citation_lastpage')).toEqual([]);
    expect(metaOf(page, 'citation_pdf_url')).toEqual([]);
    expect(metaOf(page, 'citation_title')).toEqual(["The Proofreader's Lamp"]);
    expect(textOf(citeBlock(page))).toContain('In 铅字与光：关于印刷的文章, edited by 林秋. 江岸出版社.');
    const items = JSON.parse(await html.read('citations.json')) as Record<string, unknown>[];
    expect(items).toHaveLength(3);
    expect(items.every((i) => i.page === undefined)).toBe(true);
  });
});

describe('"Cite this" for every reader', () => {
  let browser: Browser;
  let site: Served;
  beforeAll(async () => {
    site = await serveFolder(built.out);
    browser = await launchBrowser({ executablePath: (await requireBrowser()).path });
  }, 60_000);
  afterAll(async () => {
    if (browser) await closeBrowser(browser);
    await site?.close();
  });

  it('has no axe violation, in the light and the dark colour scheme', async () => {
    const found: string[] = [];
    for (const a of ARTICLES.slice(0, 2)) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await browser.newPage();
        try {
          await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
          await page.goto(new URL(`articles/${a.slug}.html`, site.url).href, { waitUntil: 'load' });
          await page.evaluate(() => document.fonts.ready.then(() => undefined));
          found.push(...(await axe(page, `${a.slug} (${scheme})`)));
        } finally {
          await page.close();
        }
      }
    }
    expect(found).toEqual([]);
  }, 120_000);
});

describe('page-break markers', () => {
  const p = (...children: Element['children']): Element => ({ type: 'element', tagName: 'p', properties: {}, children });
  const t = (value: string) => ({ type: 'text' as const, value });

  it('go before the word a page begins inside, before the paragraph a page begins with, and are counted when not found', () => {
    const tree: Root = {
      type: 'root',
      children: [p(t('The compositor set the last line of the evening edition and went home.')), p(t('Quiet. Then the presses started and the building shook.')), p(t('Nothing else happened that night.'))],
    };
    // A hyphenated word (its second half begins page 2), a page beginning mid-paragraph, one beginning with a paragraph, one not there.
    const result = markPageBreaks(tree, [
      { page: 2, text: matchText('tion and went home') },
      { page: 3, text: matchText('Then the presses started and') },
      { page: 4, text: matchText('Nothing else happened that') },
      { page: 5, text: matchText('Something printed only') },
    ]);
    expect(result.placed.map((x) => x.page)).toEqual([2, 3, 4]);
    expect(result.missed).toEqual([5]);
    const shape = (e: Root | Element): unknown[] => e.children.map((c) => (c.type === 'text' ? c.value : (c as Element).properties.role === 'doc-pagebreak' ? `[${(c as Element).properties.ariaLabel}]` : shape(c as Element)));
    expect(shape(tree)).toEqual([
      ['The compositor set the last line of the evening ', '[2]', 'edition and went home.'],
      ['Quiet. ', '[3]', 'Then the presses started and the building shook.'],
      '[4]',
      ['Nothing else happened that night.'],
    ]);
  });

  it("are found without the number a list item begins with in print (the EPUB's CSS writes it)", () => {
    const tree: Root = { type: 'root', children: [p(t('第一条。')), p(t('协作批注。和不用 Markdown 的编辑合作时，对方习惯在文档里加批注。'))] };
    const result = markPageBreaks(tree, [{ page: 9, text: matchText('3. 协作批注。和不用 Markdown 的编辑') }]);
    expect(result).toEqual({ placed: [{ page: 9, id: 'page-9' }], missed: [] });
    expect((tree.children[1] as Element).properties.role).toBe('doc-pagebreak');
  });

  it('go before an element the page begins with, unless its parent takes no <span>', () => {
    const li = (s: string): Element => ({ type: 'element', tagName: 'li', properties: {}, children: [p(t(s))] });
    const tree: Root = { type: 'root', children: [{ type: 'element', tagName: 'ul', properties: {}, children: [li('First item of the list here'), li('Second item of the list here')] }] };
    markPageBreaks(tree, [{ page: 5, text: matchText('Second item of the list') }]);
    const ul = tree.children[0] as Element;
    expect(ul.children.map((c) => (c as Element).tagName)).toEqual(['li', 'li']);
    expect(((ul.children[1] as Element).children[0] as Element).properties.role).toBe('doc-pagebreak');
  });
});
