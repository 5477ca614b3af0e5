/**
 * Nothing lost: every word of every article is in every output (see
 * test/helpers/lost-text.ts), for a fixture of the inputs that once lost or
 * changed words — a table of forty columns, a closed <details>, quotes and
 * lists nested thousands and forty deep, emoji and Arabic, Markdown escapes,
 * TeX, math, a diagram, a callout and citations, clipped Chinese with ASCII punctuation and Latin passages — and for
 * real articles of the weekly corpus.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.ts';
import { FIXTURES } from './helpers/build.ts';
import { describeLosses, lostText, searchable, sourceText, wordsOf } from './helpers/lost-text.ts';
import { pageTexts } from './helpers/pdf-tools.ts';

const WEEKLY = path.resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'weekly');

let tmp: string;
let fixture: { result: BuildResult; out: string };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-lost-text-'));
  const out = path.join(tmp, 'fixture');
  fixture = { result: await build({ cwd: path.join(FIXTURES, 'lost-text'), out, cache: false }), out };
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the lost-text check itself', () => {
  it('reads words, not syntax, URLs or hidden markup', () => {
    const words = wordsOf(sourceText('# 标题文字\n\nSee [the page](https://hidden.example/path) and `code`.<script>secret()</script>\n\n![alt words](x.png)'));
    expect(words).toEqual(expect.arrayContaining(['标题文字', 'see', 'the', 'page', 'and', 'code']));
    expect(words.join(' ')).not.toMatch(/hidden|secret|alt/);
  });

  it('reads the words of formulas and diagrams, not their syntax, and leaves out citation keys, ids and callout markers', () => {
    const words = wordsOf(
      sourceText(
        [
          '行内公式 $\\frac{a}{b} + \\text{路程除以时间}$ 照常。',
          '',
          '> [!WARNING]',
          '> 提醒的内容 @fig:flow [@smith2019, p. 12] @jones2018 mail@example.org',
          '',
          '```mermaid',
          'flowchart LR',
          '  accTitle: 无人看见标题',
          '  A[作者写完初稿] -->|通过审读| B{编辑审读意见}',
          '```',
          '',
          ': 稿件的流转过程 {#fig:flow}',
        ].join('\n'),
      ),
    );
    expect(words).toEqual(expect.arrayContaining(['路程除以时间', '提醒的内容', '作者写完初稿', '通过审读', '编辑审读意见', '稿件的流转过程', 'mail', 'example', 'org']));
    expect(words.join(' ')).not.toMatch(/frac|warning|fig|flow|smith|jones|2019|flowchart|acctitle|无人看见标题/);
  });

  it('finds a word cut at a line end, and misses one that is gone', () => {
    expect(searchable('typo-\ngraphy 排 版 规 则')).toContain(searchable('typography'));
    expect(searchable('typo-\ngraphy 排 版 规 则')).toContain(searchable('排版规则'));
    expect(searchable('a table cut at the edge')).not.toContain('column40');
  });
});

describe('every word of every article, in every output', () => {
  it('builds the fixture (with the warnings its inputs deserve)', () => {
    expect(fixture.result.diagnostics.errors, fixture.result.diagnostics.report().join('\n')).toEqual([]);
    const rules = new Set(fixture.result.diagnostics.items.map((d) => d.rule));
    expect(rules).toContain('pdf-wide-table');
  });

  it('loses no word in the site, the article PDFs, the anthology or the EPUB', () => {
    const { losses, words } = lostText({ book: fixture.result.book!, out: fixture.out });
    expect(words).toBeGreaterThan(300);
    expect(describeLosses(losses)).toBe('');
  });

  it('prints every cell of the forty-column table, with the first column repeated', () => {
    const text = pageTexts(path.join(fixture.out, 'pdf', '01-wide-table.pdf')).join('\n');
    for (let year = 2001; year <= 2039; year++) expect(text, String(year)).toContain(String(year));
    // The first column starts every part of the split table.
    expect(searchable(text).split(searchable('区域1号')).length - 1).toBeGreaterThan(1);
    const warning = fixture.result.diagnostics.items.find((d) => d.rule === 'pdf-wide-table')!;
    expect(warning.file).toMatch(/01-wide-table\.md$/);
    expect(warning.line).toBe(5);
  });
});

describe('a loss', () => {
  it('is found: a site page without its folded paragraphs fails the check', () => {
    const page = path.join(fixture.out, 'articles', '02-details.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace(/折叠内容里的第一段话/g, ''));
    const { losses } = lostText({ book: fixture.result.book!, out: fixture.out });
    expect(losses).toEqual([{ article: '02-details.md', output: 'site articles/02-details.html', missing: ['折叠内容里的第一段话同样要印在纸上'] }]);
  });

  it('is found: a diagram without one of its labels, a formula without its words', () => {
    const page = path.join(fixture.out, 'articles', '09-technical.html');
    const html = readFileSync(page, 'utf8');
    // The label is in the diagram's SVG, the words in the formula's MathML.
    expect(html).toMatch(/<tspan[^>]*>排版印刷成书<\/tspan>/);
    expect(html).toContain('<mtext>质能方程</mtext>');
    writeFileSync(page, html.replace(/排版印刷成书/g, '').replace(/质能方程/g, ''));
    const { losses } = lostText({ book: fixture.result.book!, out: fixture.out });
    expect(losses.filter((l) => l.article === '09-technical.md')).toEqual([{ article: '09-technical.md', output: 'site articles/09-technical.html', missing: ['质能方程', '排版印刷成书'] }]);
  });
});

describe('the weekly corpus', () => {
  it.runIf(existsSync(WEEKLY))('loses no word of its first 40 articles', async () => {
    const dir = path.join(tmp, 'weekly', 'articles');
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= 40; i++) copyFileSync(path.join(WEEKLY, `issue-${i}.md`), path.join(dir, `issue-${i}.md`));
    const out = path.join(tmp, 'weekly', 'dist');
    const result = await build({ cwd: path.dirname(dir), articles: dir, out, cache: false });
    expect(result.diagnostics.errors, result.diagnostics.report().join('\n')).toEqual([]);
    const { losses, words } = lostText({ book: result.book!, out });
    expect(words).toBeGreaterThan(10_000);
    expect(describeLosses(losses)).toBe('');
  }, 600_000);
});
