/**
 * Chinese typography from real articles (issue 12): ASCII punctuation in
 * Chinese text, Latin passages in Chinese articles, number ranges and
 * balanced headings, each a fixture built for real and read back from the
 * site and the PDFs (article and anthology).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser/find.ts';
import { buildFixture, FIXTURES, type FixtureBuild, problems } from './helpers/build.ts';
import { missingPdfTools, pageTexts } from './helpers/pdf-tools.ts';

const browser = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const noPdf = !browser ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')}` : '';
if (noPdf) console.warn(`PDF checks of typography skipped: ${noPdf}`);

const squeeze = (s: string) => s.replace(/\s+/g, '');
// The body ends where the article's footer, its "Cite this" block or the article itself begins.
const body = (html: string) => /<div class="article-body">([\s\S]*?)<\/div>\s*(?:<footer class="article-footer">|<section class="cite-this"|<\/article>)/.exec(html)?.[1] ?? '';
const formats = (...wanted: ('html' | 'pdf' | 'epub')[]) => wanted.filter((f) => f !== 'pdf' || !noPdf);
/** Both PDFs an article is printed in: its own (A4) and the anthology (A5). */
const PDFS = (slug: string) => [`pdf/${slug}.pdf`, 'anthology.pdf'];

describe('ASCII punctuation in Chinese text', () => {
  let b: FixtureBuild;
  let kept: FixtureBuild;
  beforeAll(async () => {
    [b, kept] = await Promise.all([buildFixture('punctuation'), buildFixture('punctuation', { config: 'keep.config.yaml' })]);
  }, 120_000);
  afterAll(async () => {
    await b?.cleanup();
    await kept?.cleanup();
  });

  it('becomes full-width between Chinese words, the spaces typed around it removed', async () => {
    expect(problems(b.result, 'punctuation')).toEqual([]);
    const html = body(await b.read('articles/punctuation.html'));
    expect(html).toContain('<p>我们出发了，天气很好；大家都问：今天去哪里？答案是：去海边！他说（大概是开玩笑）这是最后一次.');
    // The title heading is Chinese text too.
    expect(await b.read('articles/punctuation.html')).toContain('<h1 class="article-title">剪藏来的文章（上）</h1>');
  });

  it('is left alone in numbers, addresses, code, Latin phrases, after an escape and in English passages', async () => {
    const html = body(await b.read('articles/punctuation.html'));
    expect(html).toContain('价格是1,000元，时间是10:30，比分3:2.');
    expect(html).toContain('<a href="https://example.com/a,b?x=1&#x26;y=(2)" rel="noopener">https://example.com/a,b?x=1&#x26;y=(2)</a> 或者 <a href="http://www.example.org/path,x" rel="noopener">www.example.org/path,x</a> 这个地址，');
    expect(html).toContain('<a href="mailto:name@example.com">name@example.com</a>,谢谢！');
    expect(html).toContain('代码 <code>f(a, b)</code> 和 <code>x ? y : z</code> 原样不变，函数f(x)的值也不变.');
    expect(html).toContain('他用英语说 Hello, world! 然后笑了:)');
    expect(html).toContain('转义的逗号,保持原样.');
    // A mark that starts a token (`:user-valid`, `!False`), parentheses around code or math, and tabs stay.
    expect(html).toContain('介绍 :user-valid 伪类，更倾向说 !False。最大公约数不等于1 (gcd(x, y) ≠ 1)，钠（Na）\t2.3%.');
    expect(html).toContain('// 中文注释,不变');
    expect(html).toContain('<p lang="en">English readers: this line, written in English (with brackets), keeps its punctuation!</p>');
  });

  it('is counted for the build summary, and kept as written with typography.punctuation: keep', async () => {
    expect(b.result.book!.articles[0]!.fullwidthPunctuation).toBe(19);
    expect(kept.result.book!.articles[0]!.fullwidthPunctuation).toBe(0);
    const html = body(await kept.read('articles/punctuation.html'));
    expect(html).toContain('<p>我们出发了,天气很好;大家都问:今天去哪里?答案是:去海边!');
  });

  it('is named in the summary of the command', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'anthology-punctuation-cli-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('bin/anthology.js'), 'build', '--format', 'html', '--no-cache', '--out', out], {
        cwd: path.join(FIXTURES, 'punctuation'),
        env: { ...process.env, CI: 'true' },
      });
      expect(stdout).toContain('  typography 19 ASCII punctuation marks in Chinese text made full-width (typography.punctuation: keep to turn off)\n');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a Latin-script passage in a Chinese article', () => {
  let b: FixtureBuild;
  let finnish: string[];
  beforeAll(async () => {
    b = await buildFixture('latin-passages', { formats: formats('html', 'pdf') });
    const source = await readFile(path.join(FIXTURES, 'latin-passages/articles/passages.md'), 'utf8');
    finnish = /^> (.*)$/m.exec(source)![1]!.split(', ');
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('is marked with its language, detected when the source does not say', async () => {
    const html = body(await b.read('articles/passages.html'));
    expect(html).toContain('<blockquote lang="fi">\n<p>talossa, talosta,');
    expect(html).toContain('<p lang="en">The spelling of a Finnish noun');
    expect(html).toContain('<li lang="de">Der Hund läuft');
    // The Chinese blocks carry no language of their own: they have the article's.
    expect(html).toContain('<p>下面是一段英文原文：</p>');
    expect(html).toContain('<li>这一项是中文，不需要标注语言。</li>');
  });

  it.skipIf(noPdf)('is justified between its words, which pdftotext reads whole', () => {
    for (const pdf of PDFS('passages')) {
      const words = new Set(pageTexts(path.join(b.out, pdf)).join('\n').split(/[\s,.]+/));
      const broken = finnish.filter((w) => !words.has(w));
      expect(broken, pdf).toEqual([]);
      for (const w of ['spelling', 'possessive', 'dictionary', 'enormous', 'grammar', 'Bäcker', 'geduldig']) expect(words.has(w), `${pdf}: ${w}`).toBe(true);
    }
  });
});

describe('a number range', () => {
  let b: FixtureBuild;
  beforeAll(async () => {
    b = await buildFixture('number-ranges', { formats: formats('html', 'pdf') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  it('is kept on one line, its hyphen as written', async () => {
    const html = body(await b.read('articles/ranges.html'));
    expect(html).toContain('第1项的范围是<span class="nowrap">100-350</span>万元');
    expect(html).toContain('日期写作<span class="nowrap">2024-11-02</span>');
  });

  it.skipIf(noPdf)('never ends a printed line after its hyphen', () => {
    for (const pdf of PDFS('ranges')) {
      const text = pageTexts(path.join(b.out, pdf), { layout: true }).join('\n');
      expect(text.split('\n').filter((l) => /\d[-\u2010\u2011]\s*$/.test(l)), pdf).toEqual([]);
      // The hyphen is the character written: search and copying find "100-350".
      expect(squeeze(text)).toContain('第1项的范围是100-350万元');
      expect(squeeze(text)).toContain('第48项的范围是1839-2089年');
    }
  });
});

describe('balanced titles and headings', () => {
  let b: FixtureBuild;
  const title = '一枚活字从毕昇的胶泥走到王选激光照排机的旅程';
  const heading = '活字印刷术传到朝鲜半岛和日本以后的各种不同演变过程记';
  beforeAll(async () => {
    b = await buildFixture('balance', { formats: formats('html', 'pdf') });
  }, 180_000);
  afterAll(() => b?.cleanup());

  /** The lines a passage is printed on, as pdftotext lays them out. */
  const printedLines = (text: string, passage: string): string[] => {
    const lines = text.split('\n').map((l) => l.trim());
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i] || !passage.startsWith(lines[i]!)) continue;
      const found: string[] = [];
      let joined = '';
      for (let k = i; k < lines.length && joined.length < passage.length; k++) {
        found.push(lines[k]!);
        joined += lines[k];
      }
      if (joined === passage) return found;
    }
    return [];
  };

  it.skipIf(noPdf)('leave no character alone on their last line in print', () => {
    const article = pageTexts(path.join(b.out, 'pdf/balance.pdf'), { layout: true })[0]!;
    const book = pageTexts(path.join(b.out, 'anthology.pdf'), { layout: true }).join('\n');
    // Unbalanced, the A4 title ends with one character on its second line, the A5 heading too.
    for (const [where, text, passage] of [['article title', article, title], ['book title', book, title], ['book heading', book, heading]] as const) {
      const lines = printedLines(text, passage);
      expect(lines.length, where).toBeGreaterThan(1);
      for (const line of lines) expect(line.length, `${where}: ${lines.join(' / ')}`).toBeGreaterThan(3);
    }
  });

  it('are balanced on the site too', async () => {
    const css = await b.read('assets/site.css');
    expect(css).toMatch(/:is\(h1, h2, h3, h4, h5, h6\)[^{]*\{ text-wrap: balance; \}/);
    expect(await b.read('articles/balance.html')).toContain(`<h1 class="article-title">${title}</h1>`);
  });
});
