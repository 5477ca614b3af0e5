/**
 * Editions: the book again in Traditional characters (opencc-js, phrase by
 * phrase) and set vertically, written beside the default outputs into
 * `<out>/<id>/` by the same outputs. The fixture's config asks for a
 * Taiwan vertical edition; a Hong Kong one comes from the command line's
 * spec. What a reader gets is checked: the text, what stays as written,
 * the languages, the page progression of the PDF and the EPUB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converterFor, keeping } from '../src/editions/convert.ts';
import { parseEditionSpec } from '../src/editions/edition.ts';
import { uprightNumbers } from '../src/editions/vertical.ts';
import { buildFixture, type FixtureBuild } from './helpers/build.ts';
import { epubcheck, findEpubcheck } from './helpers/epubcheck.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { toHtml } from 'hast-util-to-html';

const ID = 'zh-Hant-TW-vertical';
let built: FixtureBuild;
let hk: FixtureBuild;
beforeAll(async () => {
  built = await buildFixture('editions', { formats: ['html', 'pdf', 'epub'] });
  hk = await buildFixture('editions', { formats: ['html'], editions: [parseEditionSpec('zh-Hant-HK') as Exclude<ReturnType<typeof parseEditionSpec>, string>] });
}, 240_000);
afterAll(async () => {
  await built?.cleanup();
  await hk?.cleanup();
});

/** The page from the article's text on (its header has the title, the byline and the book's name). */
const articleText = (html: string) => html.slice(html.indexOf('<div class="article-body">'));

describe('the edition in the build', () => {
  it('is written beside the default outputs, through the same outputs, named after its id', () => {
    expect(built.result.diagnostics.report()).toEqual([]);
    expect(built.result.editions).toEqual([ID]);
    const paths = built.result.files.map((f) => f.path);
    for (const p of ['hanzi.pdf', 'hanzi.epub', 'index.html', `${ID}/hanzi-${ID}.pdf`, `${ID}/hanzi-${ID}.epub`, `${ID}/index.html`, `${ID}/articles/01-software.html`, `${ID}/pdf/01-software.pdf`]) {
      expect(paths).toContain(p);
    }
    expect(hk.result.editions).toEqual(['zh-Hant-TW-vertical', 'zh-Hant-HK']);
  });

  it('leaves the default outputs as they were: Simplified, horizontal', async () => {
    const page = await built.read('articles/01-software.html');
    expect(page).toContain('软件工程师');
    expect(page).not.toContain('class="tcy"');
    expect(await built.read('assets/site.css')).not.toContain('vertical-rl');
  });
});

describe('Traditional text', () => {
  it('converts words as Taiwan writes them, and the quotation marks', async () => {
    const page = await built.read(`${ID}/articles/01-software.html`);
    const body = articleText(page);
    expect(body).toContain('軟體工程師');
    expect(body).toContain('網路線上');
    expect(body).toContain('「漢字」在螢幕上');
    expect(page).toContain('<h1 class="article-title">軟體裡的漢字</h1>');
  });

  it('uses Hong Kong forms in a zh-Hant-HK edition', async () => {
    const body = articleText(await hk.read('zh-Hant-HK/articles/01-software.html'));
    expect(body).toContain('軟件工程師');
    expect(body).not.toContain('軟體');
  });

  it('keeps code, addresses, Latin text and the keep: words as written', async () => {
    const body = articleText(await built.read(`${ID}/articles/01-software.html`));
    expect(body).toMatch(/软件.*=.*汉字.*简体的注释/s);
    expect(body).toContain('打印("发条")');
    expect(body).toContain('https://example.com/软件/汉字');
    expect(body).toContain('林书白把這段程式碼留作紀念');
    expect(body).toContain('发条還是发条');
    expect(body).toContain('An English sentence about software stays as written');
  });

  it('tags the pages zh-Hant-TW and says its interface words in Traditional characters', async () => {
    const page = await built.read(`${ID}/articles/01-software.html`);
    expect(page).toMatch(/<article class="article" lang="zh-Hant-TW">/);
    const epub = zipFiles(readFileSync(path.join(built.out, ID, `hanzi-${ID}.epub`)));
    expect(epub.text('OEBPS/content.opf')).toContain('<dc:language>zh-Hant-TW</dc:language>');
    expect(epub.text('OEBPS/toc.xhtml')).toContain('目錄');
    expect(epub.text('OEBPS/toc.xhtml')).not.toContain('目录');
  });

  it('converts a text but leaves the words to keep', () => {
    const tw = converterFor('zh-Hant-TW', 'zh-CN')!;
    expect(tw('汉字与软件')).toBe('漢字與軟體');
    expect(keeping(tw, ['软件'])('汉字与软件')).toBe('漢字與软件');
    expect(converterFor('zh-Hant', 'zh-TW')).toBeUndefined();
    expect(converterFor('zh-Hant', 'en')).toBeUndefined();
  });

  it('reads --edition specs, and says what it expects of a wrong one', () => {
    expect(parseEditionSpec('zh-Hant:vertical')).toEqual({ script: 'zh-Hant', writing: 'vertical', keep: [] });
    expect(parseEditionSpec('vertical')).toEqual({ writing: 'vertical', keep: [] });
    expect(parseEditionSpec('zh-TW')).toMatch(/--edition expects one of zh-Hant, zh-Hant-TW, zh-Hant-HK, zh-Hans/);
    expect(parseEditionSpec('zh-Hant:sideways')).toMatch(/found "zh-Hant:sideways"/);
  });
});

describe('vertical writing', () => {
  it('stands one- and two-digit numbers upright, and leaves longer numbers, decimals and Latin words to lie sideways', () => {
    const p = (text: string) => toHtml(uprightNumbers({ type: 'root', children: [{ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: text }] }] }));
    expect(p('在12月写了3个，2024年，16GB，2.4万，30%')).toBe('<p>在<span class="tcy">12</span>月写了<span class="tcy">3</span>个，2024年，16GB，2.4万，30%</p>');
    const code = toHtml(uprightNumbers({ type: 'root', children: [{ type: 'element', tagName: 'code', properties: {}, children: [{ type: 'text', value: 'x = 12' }] }] }));
    expect(code).toBe('<code>x = 12</code>');
  });

  it('sets the site, the EPUB and the PDFs in vertical-rl, code and tables horizontal', async () => {
    const page = await built.read(`${ID}/articles/01-software.html`);
    expect(page).toContain('<span class="tcy">12</span>月');
    expect(await built.read(`${ID}/articles/02-library.html`)).toContain('第<span class="tcy">1</span>層借書');
    const css = await built.read(`${ID}/assets/site.css`);
    expect(css).toMatch(/writing-mode:\s*vertical-rl/);
    expect(css).toMatch(/text-combine-upright:\s*all/);
    const epub = zipFiles(readFileSync(path.join(built.out, ID, `hanzi-${ID}.epub`)));
    const style = epub.text('OEBPS/style.css');
    expect(style).toMatch(/html\s*{\s*writing-mode:\s*vertical-rl/);
    expect(style).toMatch(/pre, table[^{]*{\s*writing-mode:\s*horizontal-tb/);
    expect(epub.text('OEBPS/a001.xhtml')).toContain('<span class="tcy">12</span>');
  });

  it('reads the EPUB spine from right to left, and epubcheck finds nothing', async () => {
    const file = path.join(built.out, ID, `hanzi-${ID}.epub`);
    const opf = zipFiles(readFileSync(file)).text('OEBPS/content.opf');
    expect(opf).toMatch(/<spine toc="ncx" page-progression-direction="rtl">/);
    expect(zipFiles(readFileSync(path.join(built.out, 'hanzi.epub'))).text('OEBPS/content.opf')).toMatch(/<spine toc="ncx">/);
    const found = findEpubcheck();
    if ('missing' in found) return console.warn(`epubcheck skipped: ${found.missing}`);
    const { messages } = await epubcheck(found.jar, file);
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity))).toEqual([]);
  }, 120_000);

  it('keeps the vertical forms of the punctuation in the EPUB\'s Chinese font (vert, vrt2, vertical metrics)', async () => {
    const fontkit = (await import('@pdf-lib/fontkit')).default;
    const epub = zipFiles(readFileSync(path.join(built.out, ID, `hanzi-${ID}.epub`)));
    const font = fontkit.create(epub.bytes('OEBPS/fonts/NotoSerifSC-Regular.ttf')) as unknown as {
      GSUB: { featureList: { tag: string }[] };
      directory: { tables: Record<string, unknown> };
      glyphForCodePoint(cp: number): { id: number };
      layout(text: string, features: string[]): { glyphs: { id: number }[] };
    };
    expect(font.GSUB.featureList.map((f) => f.tag)).toEqual(expect.arrayContaining(['vert', 'vrt2']));
    expect(Object.keys(font.directory.tables)).toEqual(expect.arrayContaining(['vhea', 'vmtx']));
    // The full stop has a vertical form, and the subset has its glyph.
    const vertical = font.layout('。', ['vert']).glyphs[0]!.id;
    expect(vertical).not.toBe(font.glyphForCodePoint(0x3002).id);
    expect(vertical).not.toBe(0);
  });

  it('says in the PDFs that the pages run from right to left, with the text all there', () => {
    const book = path.join(built.out, ID, `hanzi-${ID}.pdf`);
    const bytes = readFileSync(book).toString('latin1');
    expect(bytes).toMatch(/\/ViewerPreferences <<\/DisplayDocTitle true \/Direction \/R2L>>/);
    expect(readFileSync(path.join(built.out, 'hanzi.pdf')).toString('latin1')).not.toContain('/R2L');
    expect(readFileSync(path.join(built.out, ID, 'pdf/01-software.pdf')).toString('latin1')).toContain('/Direction /R2L');
    // In the order of the columns (pdftotext's reading order interleaves vertical lines).
    const pages = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', book, '-'], { encoding: 'utf8' }).split('\f').map((t) => t.replace(/\s+/g, ''));
    expect(pages.some((t) => t.includes('目錄'))).toBe(true);
    expect(pages.some((t) => t.includes('軟體工程師在12月寫了3個程式'))).toBe(true);
    expect(pages.some((t) => t.includes('圖書館在早上8點開門'))).toBe(true);
  });
});
