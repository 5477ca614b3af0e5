/**
 * The EPUB as people really read it, judged by tools nobody here wrote:
 * calibre's reading engine (its PDF conversion lays the book out in
 * QtWebEngine, as its viewer does), Ace by DAISY (accessibility) and
 * epubcheck, on the sample book and on a fixture of what collected articles
 * carry; and the Kindle profile's differences. .ci/run installs calibre,
 * Chromium and epubcheck; without them these tests fail rather than pass.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { FIXTURES } from './helpers/build.ts';
import { epubcheck, findEpubcheck } from './helpers/epubcheck.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { bookmarks, pageTexts } from './helpers/pdf-tools.ts';
import { type AceReport, calibreConvert, cjkCounts, countCjk, hasCalibre, runAce } from './helpers/readers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Built {
  epub: string;
  titles: string[];
}

let tmp: string;
const books: Record<'sample' | 'fixture' | 'kindle', Built> = {} as never;

async function buildEpub(cwd: string, name: string, options: { epubProfile?: 'kindle' } = {}): Promise<Built> {
  const out = path.join(tmp, name);
  const result = await build({ cwd, out, formats: ['epub'], cache: false, ...options });
  expect(result.diagnostics.errors, result.diagnostics.report().join('\n')).toEqual([]);
  const file = result.files.find((f) => f.path.endsWith('.epub'))!;
  return { epub: path.join(out, file.path), titles: result.book!.articles.map((a) => a.title) };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-readers-'));
  books.sample = await buildEpub(ROOT, 'sample');
  books.fixture = await buildEpub(path.join(FIXTURES, 'epub-readers'), 'fixture');
  books.kindle = await buildEpub(path.join(FIXTURES, 'epub-readers'), 'kindle', { epubProfile: 'kindle' });
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const serious = (report: AceReport) => report.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
const show = (report: AceReport) => serious(report).map((v) => `${v.impact} ${v.rule} ${v.file}: ${v.html.slice(0, 120)} — ${v.message.split('\n')[0]}`).join('\n');

describe('calibre (QtWebEngine) reads the EPUB', () => {
  it('is installed (apt calibre)', () => {
    expect(hasCalibre(), 'ebook-convert not found: apt-get install calibre (npm run setup -- --test does it)').toBe(true);
  });

  for (const name of ['sample', 'fixture'] as const) {
    it(`shows the Chinese text of the ${name} book on its pages and lists every article`, async () => {
      const { epub, titles } = books[name];
      const dir = await mkdtemp(path.join(tmp, `calibre-${name}-`));
      const [pdf, txt] = [await calibreConvert(epub, dir, 'pdf'), await calibreConvert(epub, dir, 'txt')];
      const text = readFileSync(txt, 'utf8');
      const printed = pageTexts(pdf).join('\n');
      // The text conversion reads the words, the hidden landmarks included;
      // the PDF shows what the reader sees. Nothing but the landmarks may be missing.
      expect(countCjk(text)).toBeGreaterThan(200);
      const nav = zipFiles(readFileSync(epub)).text('OEBPS/toc.xhtml');
      const landmarks = /<nav epub:type="landmarks"[\s\S]*?<\/nav>/.exec(nav)![0].replace(/<[^>]+>/g, '');
      const missing = [...cjkCounts(text)].flatMap(([ch, n]) => Array<string>(Math.max(0, n - (cjkCounts(printed).get(ch) ?? 0))).fill(ch));
      expect(missing.filter((ch) => !landmarks.includes(ch)), 'characters missing from the pages').toEqual([]);
      if (name === 'sample') expect(countCjk(printed) / countCjk(text)).toBeGreaterThanOrEqual(0.99);
      const marks = bookmarks(pdf).map((b) => b.title);
      for (const title of titles) expect(marks, title).toContain(title);
    });
  }
});

describe('Ace by DAISY checks the EPUB', () => {
  for (const name of ['sample', 'fixture', 'kindle'] as const) {
    it(`finds no critical or serious violation in the ${name} book, and its conformance declared`, async () => {
      const report = await runAce(books[name].epub);
      expect(serious(report), show(report)).toEqual([]);
      expect(report.metadata.present).toEqual(expect.arrayContaining(['dcterms:conformsTo', 'a11y:certifiedBy', 'schema:accessibilitySummary']));
    });
  }
});

describe('within what every reading system accepts', () => {
  it('passes epubcheck, both profiles', async () => {
    const found = findEpubcheck();
    expect('jar' in found, 'missing' in found ? found.missing : '').toBe(true);
    if (!('jar' in found)) return;
    for (const name of ['sample', 'fixture', 'kindle'] as const) {
      const { messages } = await epubcheck(found.jar, books[name].epub);
      expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity)), name).toEqual([]);
    }
  });

  it('uses no CSS that e-readers drop silently, and no "--" inside XML comments', () => {
    for (const name of ['sample', 'fixture', 'kindle'] as const) {
      const files = zipFiles(readFileSync(books[name].epub));
      const css = files.text('OEBPS/style.css').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(css, name).not.toMatch(/var\(|--[\w-]+\s*:|display:\s*(grid|flex)|unicode-range|:is\(|:where\(|position:\s*fixed|@supports/);
      for (const e of files.entries.filter((x) => /\.(xhtml|opf|ncx|xml)$/.test(x.name))) {
        for (const comment of files.text(e.name).match(/<!--([\s\S]*?)-->/g) ?? []) expect(comment.slice(4, -3), e.name).not.toContain('--');
      }
    }
  });

  it('marks notes as EPUB 3 footnotes with a way back', () => {
    const files = zipFiles(readFileSync(books.fixture.epub));
    const chapter = files.text('OEBPS/a002.xhtml');
    expect(chapter).toMatch(/<a [^>]*epub:type="noteref"[^>]*>|<a [^>]*role="doc-noteref"[^>]*epub:type="noteref"/);
    expect(chapter).toMatch(/<aside [^>]*epub:type="footnote"/);
    expect(chapter).toMatch(/role="doc-backlink"/);
  });
});

describe('the Kindle profile', () => {
  const standard = () => zipFiles(readFileSync(books.fixture.epub));
  const kindle = () => zipFiles(readFileSync(books.kindle.epub));

  it('keeps the table of contents to two levels (articles and their sections)', () => {
    const depth = (ncx: string) => Number(/<meta name="dtb:depth" content="(\d+)"/.exec(ncx)?.[1]);
    expect(depth(standard().text('OEBPS/toc.ncx'))).toBe(3);
    expect(depth(kindle().text('OEBPS/toc.ncx'))).toBe(2);
    // A section with subsections: `<li><a …>Section</a><ol>…` in the standard TOC only.
    expect(standard().text('OEBPS/toc.xhtml')).toMatch(/<li><a [^>]*>Margins and measure<\/a><ol>/);
    expect(kindle().text('OEBPS/toc.xhtml')).not.toMatch(/<\/a><ol>/);
    expect(kindle().text('OEBPS/toc.xhtml')).toContain('Margins and measure');
  });

  it('has a JPEG cover', () => {
    const opf = kindle().text('OEBPS/content.opf');
    expect(opf).toMatch(/<item id="cover-image" href="images\/cover-[0-9a-f]+\.jpg" media-type="image\/jpeg" properties="cover-image"\/>/);
    expect(standard().text('OEBPS/content.opf')).toMatch(/<item id="cover-image" href="[^"]+\.png"/);
  });

  it('leaves text colours and backgrounds to the reader, links underlined', () => {
    const css = kindle().text('OEBPS/style.css');
    expect(css).not.toMatch(/(^|[;{\s])(color|background(-color)?)\s*:/);
    expect(css).toMatch(/a \{[^}]*text-decoration: underline/);
    expect(standard().text('OEBPS/style.css')).toMatch(/color:/);
  });
});
