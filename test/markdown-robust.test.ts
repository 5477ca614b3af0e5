/**
 * Nothing lost, nothing mangled (issue 12, the Markdown stage): deep nesting,
 * math, escapes, right-to-left text and closed <details>, each a fixture
 * built for real and read back from the site, the PDFs and the EPUB.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser/find.ts';
import { buildFixture, type FixtureBuild, problems } from './helpers/build.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { epubcheck, findEpubcheck } from './helpers/epubcheck.ts';
import { missingPdfTools, pageTexts } from './helpers/pdf-tools.ts';

const browser = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const noPdf = !browser ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')}` : '';
if (noPdf) console.warn(`PDF checks of markdown-robust skipped: ${noPdf}`);
const checker = findEpubcheck();

/** Text without any white space, to find a passage however lines were broken. */
const squeeze = (s: string) => s.replace(/\s+/g, '');
/** The body of a site page, the article's text and nothing of the frame (nor the provenance footer and "Cite this" block after it). */
const body = (html: string) => /<div class="article-body">([\s\S]*?)<\/div>\s*(?:<footer class="article-footer">|<section class="cite-this"|<\/article>)/.exec(html)?.[1] ?? '';
const epubChapter = async (b: FixtureBuild, n = 1) => zipFiles(await readFile(path.join(b.out, 'anthology.epub'))).text(`OEBPS/a${String(n).padStart(3, '0')}.xhtml`);
/** The opening of an inline formula as temml writes it, its TeX as alttext. */
const mathml = (tex: string) => `<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="${tex}">`;
const formats = (...wanted: ('html' | 'pdf' | 'epub')[]) => wanted.filter((f) => f !== 'pdf' || !noPdf);

describe('a list nested 100 levels deep', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('deep-list', { formats: formats('html', 'epub') });
  }, 120_000);
  afterAll(() => b?.cleanup());

  it('is shown six levels deep, every item kept, with one warning at the line where it is cut', async () => {
    expect(b.result.ok).toBe(true);
    expect(problems(b.result, 'deep-list')).toEqual(['articles/deep-list.md:11:13 warning [nesting-too-deep]']);
    const html = body(await b.read('articles/deep-list.html'));
    for (let i = 1; i <= 100; i++) expect(html).toContain(`第${i}层的条目文字`);
    expect(html).toContain('<p>列表之后的一段。</p>');
    // Items stay items: nothing but <li> directly inside a list, and no list deeper than six.
    expect(html).not.toMatch(/<(ul|ol)>\s*<(?!li)/);
    let depth = 0;
    let deepest = 0;
    for (const m of html.matchAll(/<(\/?)ul>/g)) deepest = Math.max(deepest, (depth += m[1] ? -1 : 1));
    expect(deepest).toBe(6);
  });

  it('makes an EPUB that epubcheck passes (no <p> directly inside a <ul>)', async () => {
    const xhtml = await epubChapter(b);
    expect(xhtml).not.toMatch(/<ul>\s*<p/);
    for (let i = 1; i <= 100; i++) expect(xhtml).toContain(`第${i}层的条目文字`);
    if ('missing' in checker) return console.warn(`epubcheck skipped: ${checker.missing}`);
    const { messages } = await epubcheck(checker.jar, path.join(b.out, 'anthology.epub'));
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity))).toEqual([]);
  }, 120_000);
});

describe('a block quote nested 3000 deep and a list nested 30 deep', () => {
  let b: FixtureBuild;
  const quote = '这是藏在三千层引用里面的一段文字，它必须完整地留在页面上，一行不止一个字。';
  const item = (n: number) => `第${n}层：列表里的文字也要读得下去，不能一个字一行`;
  beforeAll(async () => {
    b = await buildFixture('deep-quote', { formats: formats('html', 'pdf') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('warns once for each, at the line and column where it is cut', () => {
    expect(b.result.ok).toBe(true);
    expect(problems(b.result, 'deep-quote').sort()).toEqual([
      'articles/deep-quote.md:15:13 warning [nesting-too-deep]',
      'articles/deep-quote.md:5:7 warning [nesting-too-deep]',
    ]);
  });

  it('keeps the text on the site, in quotes and lists six levels deep at most', async () => {
    const html = body(await b.read('articles/deep-quote.html'));
    expect(html.match(/<blockquote>/g)).toHaveLength(6);
    expect(html).toContain(`<p>${quote}</p>`);
    for (let n = 1; n <= 30; n++) expect(html).toContain(item(n));
  });

  it.skipIf(noPdf)('prints every word readably: whole lines of text, not one character per line', async () => {
    for (const pdf of ['pdf/deep-quote.pdf', 'anthology.pdf']) {
      const text = pageTexts(path.join(b.out, pdf)).join('\n');
      const flat = squeeze(text);
      expect(flat).toContain(quote);
      for (let n = 1; n <= 30; n++) expect(flat).toContain(item(n));
      // Text squeezed into a column prints a character or two per line, line after line;
      // here a wrapped item may leave its last character alone, now and then.
      const short = text.split('\n').filter((l) => /^\s*\p{Script=Han}{1,2}\s*$/u.test(l));
      expect(short.length, pdf).toBeLessThan(4);
    }
  });
});

describe('math', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('math', { formats: formats('html', 'pdf', 'epub') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('makes $…$ and $$…$$ MathML, each with its TeX exactly as written as its alttext', async () => {
    expect(problems(b.result, 'math')).toEqual([]);
    const html = body(await b.read('articles/math.html'));
    expect(html).toContain(
      `<p>The thin space in ${mathml('a\\,b')}<mrow><mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi></mrow></math> and the braces in ${mathml('\\{x \\mid x > 0\\}')}<mrow><mo fence="true" form="prefix" stretchy="false">{</mo><mi>x</mi>`,
    );
    expect(html).toMatch(
      /<math display="block"[^>]* alttext="\\int_0\^1 f\(x\)\\,dx = \\frac\{1\}\{2\} \\quad \\text\{and\} \\quad a\\!b"><mrow><msubsup><mo movablelimits="false">∫<\/mo><mn>0<\/mn><mn>1<\/mn><\/msubsup>/,
    );
    expect(html).toContain('<mfrac><mn>1</mn><mn>2</mn></mfrac><mspace width="1em"></mspace><mtext>and</mtext>');
    // Nothing left over as TeX source or the shown-as-written fallback.
    expect(html).not.toMatch(/\$\$|\$[a-z\\{]|language-math/);
    const zh = body(await b.read('articles/prices-zh.html'));
    expect(zh).toContain(`公式 ${mathml('E = mc^2')}<mrow><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi>`);
    expect(zh).toContain(` 原样保留，${mathml('\\alpha\\,\\beta')}<mrow><mi>α</mi><mspace width="0.1667em"></mspace><mi>β</mi></mrow></math> 也一样。`);
  });

  it('leaves amounts of money as text', async () => {
    const html = body(await b.read('articles/math.html'));
    expect(html).toContain('it costs $5 and $10 a day, or $3.50-$4.00 a cup; rooms are between $20 and $30 a night.');
    expect(html).toContain('A shell variable such as <code>$HOME</code>, and the $PATH variable of $USER, stay as they are.');
    expect(body(await b.read('articles/prices-zh.html'))).toContain('<p>门票$5，年卡$120，一共花了$125。公式');
  });

  it('keeps the MathML and its TeX in the EPUB, and prints the formulas as text in the PDF', async () => {
    const xhtml = await epubChapter(b);
    expect(xhtml).toContain(`${mathml('a\\,b')}<mrow><mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi></mrow></math>`);
    expect(xhtml).toContain(mathml('\\{x \\mid x &gt; 0\\}'));
    expect(xhtml).toMatch(/<math display="block"[^>]* alttext="\\int_0\^1 f\(x\)\\,dx = \\frac\{1\}\{2\} \\quad \\text\{and\} \\quad a\\!b"><mrow><msubsup>/);
    if (noPdf) return;
    const text = squeeze(pageTexts(path.join(b.out, 'pdf/math.pdf')).join('').normalize('NFKC'));
    expect(text).toContain('Thethinspaceinabandthebracesin{x|x>0}stayaswritten');
    expect(text).toContain('∫f(x)dx=');
    expect(text).toContain('andab');
    expect(text).not.toMatch(/\\[a-z,!{]/);
    expect(text).toContain('$5and$10aday');
  });
});

describe('SmartyPants and Markdown escapes', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('escapes', { formats: ['html', 'epub'] });
  }, 120_000);
  afterAll(() => b?.cleanup());

  it('curls quotes and makes dashes, but leaves what was escaped as written (CommonMark examples 12, 46, 347)', async () => {
    const html = body(await b.read('articles/escapes.html'));
    expect(html).toContain(`<p>He wrote "quoted" and 'single' next to “real quotes” – and an escaped -- pair, and ... three dots… too.</p>`);
    // Example 12: every ASCII punctuation character escaped is itself.
    expect(html).toContain(`<p>!"#$%&#x26;'()*+,-./:;&#x3C;=>?@[\\]^_\`{|}~</p>`);
    // Example 347: backticks that open no code span are literal, never quotes.
    expect(html).toContain('<p>```foo``</p>');
    // Example 46: too few characters for a thematic break, a paragraph as written.
    expect(html).toContain('<p>--\n**\n__</p>');
    expect(html).toContain('<p>A quote written as "an entity" stays straight.</p>');
    expect(await epubChapter(b)).toContain('He wrote "quoted" and \'single\' next to “real quotes” – and an escaped -- pair');
  });
});

describe('right-to-left text', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('rtl', { formats: formats('html', 'pdf', 'epub') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('marks Arabic and Hebrew blocks dir="rtl" (and their language) on the site', async () => {
    const html = body(await b.read('articles/rtl.html'));
    expect(html).toContain('<p>An English paragraph comes first');
    expect(html).toContain('<p lang="ar" dir="rtl">مرحبا بالعالم');
    expect(html).toContain('<blockquote lang="he" dir="rtl">');
    expect(html).toContain('<ul dir="rtl">');
    expect(html).toMatch(/<h2 id="[^"]+" lang="ar" dir="rtl">عنوان القسم/);
    expect(html).toContain('<td lang="ar">واحد اثنان ثلاثة أربعة</td>');
    expect(html).toContain('<td dir="ltr">one two three</td>');
    // One Arabic word in an English sentence does not turn the sentence around.
    expect(html).toContain('<p>The last paragraph is English again, with one Arabic word: سلام.</p>');
  });

  it('keeps the direction in the EPUB', async () => {
    const xhtml = await epubChapter(b);
    expect(xhtml).toMatch(/<p lang="ar" dir="rtl">مرحبا/);
    expect(xhtml).toMatch(/<blockquote lang="he" dir="rtl">/);
  });

  it.skipIf(noPdf)('lays an Arabic paragraph out from the right in the PDF', () => {
    const lines = pageTexts(path.join(b.out, 'pdf/rtl.pdf'), { layout: true })[0]!.split('\n');
    const english = lines.find((l) => l.includes('An English paragraph'))!;
    const arabic = lines.find((l) => l.includes('بالعالم'))!;
    const indent = (l: string) => /^\s*/.exec(l)![0].length;
    expect(indent(english)).toBeLessThan(4);
    // The Arabic line is shorter than the measure and set flush right.
    expect(indent(arabic)).toBeGreaterThan(10);
  });
});

describe('a closed <details>', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('details', { formats: formats('html', 'pdf', 'epub') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('stays interactive on the site', async () => {
    const html = body(await b.read('articles/details.html'));
    expect(html).toMatch(/<details>\s*<summary>点击展开实验数据<\/summary>\s*<p>折叠起来的第一段文字/);
  });

  it.skipIf(noPdf)('is printed open, its summary as a heading before its content', () => {
    for (const pdf of ['pdf/details.pdf', 'anthology.pdf']) {
      const text = squeeze(pageTexts(path.join(b.out, pdf)).join(''));
      expect(text).toContain('正文的第一段文字。点击展开实验数据折叠起来的第一段文字，打印时必须出现在纸上。第一项折叠的数据第二项折叠的数据正文的最后一段文字。');
    }
  });

  it('keeps its content visible in the EPUB', async () => {
    const xhtml = await epubChapter(b);
    expect(xhtml).toMatch(/<div class="details">\s*<p class="summary">点击展开实验数据<\/p>\s*<p>折叠起来的第一段文字/);
    expect(xhtml).not.toMatch(/hidden/);
  });
});
