/**
 * Technical and scholarly articles (issue 14), in every output: math as
 * MathML, Mermaid diagrams as clean SVG, GitHub alerts as callouts,
 * numbered figures and tables with references, citations formatted with
 * CSL and a reference list. One Chinese and one English article
 * (test/fixtures/technical), built as a Chinese book (GB/T 7714, every
 * output), as an English book (Chicago author-date) and with a CSL file of
 * its own and `numbering: false` (the site only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, type FixtureBuild, problems } from './helpers/build.ts';
import { epubcheck, findEpubcheck } from './helpers/epubcheck.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { pageText } from './helpers/lost-text.ts';
import { missingPdfTools, pageTexts, pdfFonts } from './helpers/pdf-tools.ts';

let zh: FixtureBuild;
let en: FixtureBuild;
let own: FixtureBuild;
beforeAll(async () => {
  zh = await buildFixture('technical', { formats: ['html', 'pdf', 'epub'] });
  en = await buildFixture('technical', { config: 'english.config.yaml' });
  own = await buildFixture('technical', { config: 'own-style.config.yaml' });
}, 300_000);
afterAll(async () => {
  await Promise.all([zh, en, own].map((b) => b?.cleanup()));
});

/** The article's body, as the site shows it. */
const body = (html: string) => /<div class="article-body">([\s\S]*?)<\/article>/.exec(html)![1]!;
/** What a reader reads: inline tags vanish, blocks are set apart, spaces folded. */
const read = (html: string) =>
  pageText(html.replace(/<\/?(a|span|sup|i|em|strong|b)\b[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
/** Text compared as a search would: without spaces (pdftotext sets some around punctuation and raised text). */
const squeeze = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');
const svgOf = (html: string) => /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';

describe('the build', () => {
  it('warns, at the line and column, about the TeX it cannot read, the diagram it cannot draw, the unknown figure and the unknown citation key', () => {
    for (const built of [zh, en, own]) {
      expect(problems(built.result, 'technical').sort()).toEqual([
        'articles/01-zh.md:26:21 warning [math-invalid]',
        'articles/01-zh.md:56:1 warning [diagram-invalid]',
        'articles/01-zh.md:66:47 warning [xref-unknown]',
        'articles/01-zh.md:68:116 warning [citation-unknown]',
      ]);
    }
    const message = (rule: string) => zh.result.diagnostics.items.find((d) => d.rule === rule)!.message;
    const [math, diagram, xref, cite] = ['math-invalid', 'diagram-invalid', 'xref-unknown', 'citation-unknown'].map(message);
    expect(math).toMatch(/^Cannot read the TeX of a formula: .*expected '\}'.*shown as written/);
    expect(diagram).toMatch(/^Cannot draw the Mermaid diagram: unexpected .*, expected .*its code is shown instead/);
    expect(xref).toContain('`@fig:nothere`');
    expect(cite).toContain('`@nokey`');
  });
});

describe('math', () => {
  it('is MathML on the site, inline in Chinese text, with its TeX as alttext', async () => {
    const page = body(await zh.read('articles/01-zh.html'));
    expect(page).toContain(
      '<p>直角三角形的两条直角边 <math xmlns="http://www.w3.org/1998/Math/MathML" alttext="a"><mi>a</mi></math> 和 <math xmlns="http://www.w3.org/1998/Math/MathML" alttext="b"><mi>b</mi></math> 满足 <math xmlns="http://www.w3.org/1998/Math/MathML" alttext="a^2 + b^2 = c^2">',
    );
    // \text{…} in Chinese, a fraction, a sum, an integral, a matrix, and aligned equations numbered (1) and (2).
    expect(page).toContain('<mfrac><mi>s</mi><mi>t</mi></mfrac><mspace width="1em"></mspace><mtext>（速度等于路程除以时间）</mtext>');
    expect(page).toMatch(/<munderover><mo movablelimits="false">∑<\/mo>/);
    expect(page).toMatch(/<msubsup><mo movablelimits="false">∫<\/mo><mn>0<\/mn><mn>1<\/mn><\/msubsup><mi>α<\/mi>/);
    expect(page).toMatch(/alttext="A = \\begin\{pmatrix\}[^"]*"><mrow><mi>A<\/mi><mo>=<\/mo><mrow><mo fence="true" form="prefix" stretchy="true">\(<\/mo><mtable>/);
    const aligned = /<math display="block"[^>]*alttext="\\begin\{align\}[\s\S]*?<\/math>/.exec(page)![0];
    expect(aligned.match(/<mtext>\(\d\)<\/mtext>/g)).toEqual(['<mtext>(1)</mtext>', '<mtext>(2)</mtext>']);
    // Nothing but MathML inside: no HTML, no script.
    for (const math of page.match(/<math[\s\S]*?<\/math>/g)!) expect(math).not.toMatch(/<(span|script|a|img)\b|\son\w+=/);
  });

  it('shows a formula it cannot read as written', async () => {
    expect(body(await zh.read('articles/01-zh.html'))).toContain('这一个公式写错了：<code class="language-math math-inline">\\frac{1}{2</code>，它后面的文字照常显示。');
  });

  it('leaves amounts of money alone', async () => {
    const page = body(await zh.read('articles/02-en.html'));
    expect(page).toContain('<p>It cost $5 and $10 for the two copies.</p>');
    expect(page).toContain('alttext="\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}"');
  });

  it('can be read in the article PDF and the anthology: the symbols are text, in the bundled math font', () => {
    const missing = missingPdfTools();
    if (missing.length) return console.warn(`PDF checks skipped: ${missing.join(', ')} missing`);
    for (const pdf of ['pdf/01-zh.pdf', 'technical.pdf']) {
      const text = pageTexts(path.join(zh.out, pdf)).join('\n').normalize('NFKC');
      for (const symbol of ['∑', '∫', 'α', '(速度等于路程除以时间)', '(1)', '(2)', '\\frac{1}{2']) expect(text, `${pdf}: ${symbol}`).toContain(symbol);
      expect(pdfFonts(path.join(zh.out, pdf)).map((f) => f.name).join(' '), pdf).toMatch(/NotoSansMath/);
    }
    const en = pageTexts(path.join(zh.out, 'pdf/02-en.pdf')).join('\n').normalize('NFKC');
    expect(en).toContain('π');
    expect(en).toContain('It cost $5 and $10 for the two copies.');
  });
});

describe('diagrams', () => {
  it('are SVG with their labels as text, a text alternative, and nothing that runs or that an e-reader cannot show', async () => {
    const page = await zh.read('articles/01-zh.html');
    const svg = svgOf(page);
    expect(svg).toContain('aria-label="投稿的流程。作者投稿，编辑审读，通过后排版。"');
    const labels = [...svg.matchAll(/<tspan[^>]*>([^<]+)<\/tspan>/g)].map((m) => m[1]);
    // Each label whole: eight characters are not wrapped before the last one.
    expect(labels).toEqual(expect.arrayContaining(['作者投稿', '编辑审读', '排版付印成书出版', '通过', '退回']));
    expect(svg).not.toMatch(/<script|<foreignObject|\son[a-z]+=|<style|href=|class=/i);
    // Paint is colour, not a gradient that was not kept; every arrowhead is there.
    expect(svg).not.toMatch(/="url\((?!#dg-[0-9a-f]+-m\d+\))/);
    const arrows = [...svg.matchAll(/marker-end="url\(#([^)]+)\)"/g)].map((m) => m[1]);
    expect(arrows.length).toBeGreaterThanOrEqual(3);
    for (const id of new Set(arrows)) expect(svg).toMatch(new RegExp(`<marker [^>]*id="${id}"`));
    expect(page).toMatch(/<figure class="diagram-figure diagram" id="fig:flow"><svg[\s\S]*?<\/svg><figcaption><span class="caption-label">图 1<\/span>　投稿的流程<\/figcaption><\/figure>/);
  });

  it('shows the code of a diagram that cannot be drawn', async () => {
    expect(body(await zh.read('articles/01-zh.html'))).toContain('<pre><code class="language-mermaid">flowchart LR\n  A[开始 --> B\n</code></pre>');
  });

  it('are drawn in the PDFs with their Chinese labels as text', () => {
    if (missingPdfTools().length) return;
    for (const pdf of ['pdf/01-zh.pdf', 'technical.pdf']) {
      const text = pageTexts(path.join(zh.out, pdf)).join('\n');
      for (const label of ['作者投稿', '编辑审读', '排版付印成书出版', '退回', '图 1']) expect(text, `${pdf}: ${label}`).toContain(label);
    }
  });
});

describe('callouts', () => {
  it('have titles in the article\'s language', async () => {
    const titles = (html: string) => [...html.matchAll(/<aside class="callout callout-(\w+)" role="note"><p class="callout-title">([^<]+)<\/p>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(titles(await zh.read('articles/01-zh.html'))).toEqual(['note 注意', 'tip 提示', 'important 重要', 'warning 警告', 'caution 小心']);
    expect(titles(await zh.read('articles/02-en.html'))).toEqual(['note Note', 'tip Tip', 'warning Warning']);
    // The marker is gone from the text.
    expect(await zh.read('articles/01-zh.html')).not.toContain('[!NOTE]');
  });

  it('are printed with their titles', () => {
    if (missingPdfTools().length) return;
    const text = pageTexts(path.join(zh.out, 'pdf/01-zh.pdf')).join('\n');
    expect(text).toMatch(/注意\s*注释的正文在这里。\s*提示\s*提示的正文在这里。/);
    expect(pageTexts(path.join(zh.out, 'pdf/02-en.pdf')).join('\n')).toMatch(/Note\s*A note for the reader\.\s*Tip\s*A useful tip\./);
  });
});

describe('figures and tables', () => {
  it('are numbered in the article\'s language, and references to them are links', async () => {
    const cn = body(await zh.read('articles/01-zh.html'));
    expect(cn).toContain('<table id="tbl:measure"><caption><span class="caption-label">表 1</span>　几种版面的每行字数</caption>');
    expect(cn).toContain('投稿怎样流转，见 <a href="#fig:flow" class="xref">图 1</a>；行长的数字，见 <a href="#tbl:measure" class="xref">表 1</a>。没有这张图：@fig:nothere。');
    const english = body(await zh.read('articles/02-en.html'));
    expect(english).toContain('<figure id="fig:box"><img');
    expect(english).toContain('<figcaption><span class="caption-label">Figure 1</span>: The flow of work</figcaption>');
    expect(english).toContain('<caption><span class="caption-label">Table 1</span>: Measures of common pages</caption>');
    expect(english).toContain('See <a href="#fig:box" class="xref">Figure 1</a> and <a href="#tbl:sizes" class="xref">Table 1</a> for the numbers.');
    // No id syntax left in the text.
    expect(read(cn) + read(english)).not.toMatch(/\{#|@tbl:|@fig:(?!nothere)/);
  });

  it('are not numbered with `numbering: false`: a reference reads as its caption', async () => {
    const page = body(await own.read('articles/02-en.html'));
    expect(page).toContain('<figcaption>The flow of work</figcaption>');
    expect(page).toContain('<caption>Measures of common pages</caption>');
    expect(page).toContain('See <a href="#fig:box" class="xref">The flow of work</a> and <a href="#tbl:sizes" class="xref">Measures of common pages</a> for the numbers.');
    expect(page).not.toContain('caption-label');
  });
});

describe('citations', () => {
  it('in a Chinese book are numbered as GB/T 7714 wants, with the page after the brackets, each a link to its entry', async () => {
    const page = body(await zh.read('articles/01-zh.html'));
    // A raised number alone is marked as such (no underline); a citation in words is a link like any other.
    const cite = (key: string, text: string) => `<a href="#ref-${key}" class="citation${text.startsWith('<sup>') ? ' citation-raised' : ''}" role="doc-biblioref">${text}</a>`;
    expect(page).toContain(`王小明讨论过汉字的排版 ${cite('wang2020', '<sup>[1]</sup>')}，还给出了行长的建议 ${cite('wang2020', '<sup>[1]12</sup>')}。`);
    expect(page).toContain(`两种看法并列 ${cite('wang2020', '<sup>[1,2]</sup>')}。${cite('smith2019', 'Smith<sup>[2]</sup>')} 认为长行在屏幕上读得更快。`);
    // An unknown key stays as written.
    expect(page).toContain('这一条找不到 [@nokey]。');
    // A section number with parts, after the brackets as well.
    expect(body(await zh.read('articles/02-en.html'))).toContain(`is older ${cite('jones2018', '<sup>[2]2.1.2</sup>')}.`);
  });

  it('end the article with its reference list: the article\'s own BibTeX and the book\'s CSL-JSON, in GB/T 7714', async () => {
    const page = body(await zh.read('articles/01-zh.html'));
    const list = /<section class="references" role="doc-bibliography" aria-labelledby="references"><h2 id="references">参考文献<\/h2>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(list).toContain('id="ref-wang2020"');
    expect(read(list)).toBe('[1] 王小明. 汉字排版通论[M]. 北京: 书林出版社, 2020. [2] SMITH A. Reading Long Lines on Screens[J]. Journal of Reading Research, 2019, 12: 33-48.');
    // It closes the article's text.
    expect(page).toMatch(/<\/section>\s*<\/div>\s*(<section|$)/);
    expect(read(body(await zh.read('articles/02-en.html')))).toMatch(/References \[1\] SMITH A\. Reading Long Lines on Screens\[J\]\..* \[2\] JONES P\. Measures of Type\[M\]\. London: Quarry Press, 2018\./);
  });

  it('in an English book are Chicago author-date', async () => {
    const page = body(await en.read('articles/02-en.html'));
    expect(read(page)).toContain('Long lines read fast on screens (Smith 2019, 40), and the older studies agree (Jones 2018; Smith 2019). As Jones (2018) put it, a measure is a habit.');
    expect(page).toContain('<a href="#ref-jones2018" class="citation" role="doc-biblioref">Jones (2018)</a>');
    expect(read(page)).toContain('The rule of sixty-six characters is older (Jones 2018, sec. 2.1.2).');
    const list = /<section class="references hanging-indent"[^>]*><h2 id="references">References<\/h2>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(read(list)).toBe('Jones, Peter. 2018. Measures of Type. London: Quarry Press. Smith, Anna. 2019. “Reading Long Lines on Screens.” Journal of Reading Research 12:33–48.');
    expect(read(body(await en.read('articles/01-zh.html')))).toContain('两种看法并列 (王小明 2020; Smith 2019)。Smith (2019) 认为长行在屏幕上读得更快。');
  });

  it('follow a CSL file given by its path', async () => {
    const page = read(body(await own.read('articles/02-en.html')));
    expect(page).toContain('Long lines read fast on screens «Smith 2019», 40, and the older studies agree «Jones 2018; Smith 2019». As Jones «2018» put it');
    expect(page).toContain('References Smith, Anna: Reading Long Lines on Screens. Jones, Peter: Measures of Type.');
  });

  it('are in the PDFs, with the reference list', () => {
    if (missingPdfTools().length) return;
    for (const pdf of ['pdf/01-zh.pdf', 'technical.pdf']) {
      const text = pageTexts(path.join(zh.out, pdf)).join('\n');
      expect(squeeze(text), pdf).toContain(squeeze('参考文献 [1] 王小明. 汉字排版通论[M]. 北京: 书林出版社, 2020. [2] SMITH A.'));
      expect(squeeze(text), pdf).toContain(squeeze('还给出了行长的建议 [1]12。'));
    }
  });
});

describe('the EPUB', () => {
  it('declares MathML and SVG on the chapters that have them, and carries them with their text alternatives', () => {
    const f = epub();
    const opf = f.text('OEBPS/content.opf');
    expect(opf).toMatch(/<item id="a001" href="a001\.xhtml" media-type="application\/xhtml\+xml" properties="mathml svg"\/>/);
    expect(opf).toMatch(/<item id="a002" href="a002\.xhtml" media-type="application\/xhtml\+xml" properties="mathml"\/>/);
    const chapter = f.text('OEBPS/a001.xhtml');
    expect(chapter).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="a^2 + b^2 = c^2">');
    expect(chapter).toContain('<mtext>（速度等于路程除以时间）</mtext>');
    expect(chapter.match(/<mtext>\(\d\)<\/mtext>/g)).toEqual(['<mtext>(1)</mtext>', '<mtext>(2)</mtext>']);
    const svg = svgOf(chapter);
    expect(svg).toContain('aria-label="投稿的流程。作者投稿，编辑审读，通过后排版。"');
    expect(svg).toContain('作者投稿');
    expect(svg).not.toMatch(/<foreignObject|<script|\son[a-z]+=/i);
    // The math font travels with the book.
    expect(opf).toMatch(/href="fonts\/[^"]*[Mm]ath[^"]*"/);
  });

  it('has callouts as asides with a role, numbered captions, linked references and citations, and the reference list', () => {
    const f = epub();
    const chapter = f.text('OEBPS/a001.xhtml');
    expect([...chapter.matchAll(/<aside class="callout callout-\w+" role="note"><p class="callout-title">([^<]+)<\/p>/g)].map((m) => m[1])).toEqual(['注意', '提示', '重要', '警告', '小心']);
    expect(f.text('OEBPS/a002.xhtml')).toContain('<aside class="callout callout-note" role="note"><p class="callout-title">Note</p>');
    expect(read(chapter)).toContain('投稿怎样流转，见 图 1；行长的数字，见 表 1。');
    expect(read(chapter)).toContain('参考文献 [1] 王小明. 汉字排版通论[M]. 北京: 书林出版社, 2020.');
    // Every link inside the chapter finds its target.
    const ids = new Set([...chapter.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...chapter.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThanOrEqual(6);
    expect(hrefs.filter((h) => !ids.has(h))).toEqual([]);
  });

  it('is clean for epubcheck', async () => {
    const found = findEpubcheck();
    if ('missing' in found) return console.warn(`epubcheck skipped: ${found.missing}`);
    const { messages } = await epubcheck(found.jar, path.join(zh.out, 'technical.epub'));
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity))).toEqual([]);
  }, 120_000);
});

describe('no script', () => {
  it('is in any output but the site\'s search page', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'pagefind' ? [] : files(path.join(dir, e.name))) : [path.join(dir, e.name)]));
    const withScript = files(zh.out)
      .filter((f) => /\.x?html$/.test(f))
      .filter((f) => /<script\b/i.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(zh.out, f));
    expect(withScript).toEqual(['search.html']);
    const f = epub();
    expect(f.entries.filter((e) => /\.(x?html|svg)$/.test(e.name) && /<script\b|\son[a-z]+=/i.test(e.data.toString('utf8'))).map((e) => e.name)).toEqual([]);
  });
});

function epub() {
  return zipFiles(readFileSync(path.join(zh.out, 'technical.epub')));
}
