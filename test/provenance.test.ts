/**
 * Provenance: the front matter says where an article first appeared and on
 * what terms; every output shows it with the article ("首发于…", "First
 * published in…") and ends with a "Sources and permissions" section.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipFiles } from './helpers/epub-zip.ts';
import { buildFixture, type FixtureBuild } from './helpers/build.ts';
import { pageText } from './helpers/lost-text.ts';

let built: FixtureBuild;
beforeAll(async () => {
  built = await buildFixture('provenance', { formats: ['html', 'epub'] });
}, 120_000);
afterAll(() => built?.cleanup());

/** What a reader reads: inline tags vanish, blocks are set apart. */
const text = (html: string) =>
  pageText(html.replace(/<\/?(a|span|strong|time)\b[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();

describe('the provenance line', () => {
  it('builds without a warning', () => {
    expect(built.result.diagnostics.report()).toEqual([]);
  });

  it('says where and when a Chinese article first appeared, its licence and permission, on its page', async () => {
    const page = await built.read('articles/01-reprint.html');
    const footer = /<footer class="article-footer">([\s\S]*?)<\/footer>/.exec(page)![1]!;
    expect(text(footer)).toBe('首发于《江岸日报》，2022年12月19日。许可：CC BY-NC 4.0。经作者授权转载。');
    // The publisher's name links to the original.
    expect(footer).toContain('<a href="https://www.example.com/night/typesetting?utm_source=feed">《江岸日报》</a>');
  });

  it('names the translators of an English article', async () => {
    const page = await built.read('articles/02-translated.html');
    expect(text(/<footer class="article-footer">([\s\S]*?)<\/footer>/.exec(page)![1]!)).toBe('First published in The Printing Review on March 5, 2021. Translated by Li Wen and Zhou Ping.');
  });

  it('says nothing for an article first published in the book', async () => {
    expect(await built.read('articles/03-original.html')).not.toContain('article-footer');
  });
});

describe('"Sources and permissions"', () => {
  it('is a page of the site, linked from every page, listing the reprinted articles with their addresses', async () => {
    const page = await built.read('sources.html');
    const body = text(page);
    expect(body).toContain('来源与授权');
    expect(body).toContain('1 排字房的最后一夜 沈知行 首发于《江岸日报》，2022年12月19日。');
    expect(body).toContain('2 The Last Night of the Composing Room Ada Brennan First published in The Printing Review');
    expect(body).toContain('https://example.org/essays/composing-room');
    expect(body).not.toContain('编者的话');
    expect(await built.read('index.html')).toContain('<a href="sources.html">来源与授权</a>');
    expect(await built.read('articles/03-original.html')).toContain('<a href="../sources.html">来源与授权</a>');
  });

  it('ends the EPUB, in its contents, and each chapter carries its line', () => {
    const epub = zipFiles(readFileSync(path.join(built.out, 'reprints.epub')));
    const sources = text(epub.text('OEBPS/sources.xhtml'));
    expect(sources).toContain('来源与授权');
    expect(sources).toContain('排字房的最后一夜 沈知行 首发于《江岸日报》，2022年12月19日。许可：CC BY-NC 4.0。经作者授权转载。');
    expect(epub.text('OEBPS/toc.xhtml')).toMatch(/<a href="sources.xhtml">来源与授权<\/a>/);
    expect(epub.text('OEBPS/content.opf')).toMatch(/<itemref idref="sources"\/>\s*<\/spine>/);
    expect(text(epub.text('OEBPS/a002.xhtml'))).toContain('First published in The Printing Review on March 5, 2021. Translated by Li Wen and Zhou Ping.');
  });
});
