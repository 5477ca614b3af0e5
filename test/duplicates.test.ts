/**
 * Duplicates: the same article twice — the same source once normalised, or
 * nearly the same text whatever its spacing, punctuation and script — is a
 * warning naming both files and how alike they are (an error under
 * --strict), at build time; fast enough for hundreds of articles.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { splitFrontMatter } from '../src/content/frontmatter.ts';
import { Diagnostics } from '../src/diagnostics.ts';
import { findDuplicates } from '../src/duplicates/find.ts';
import { fingerprint, similarity } from '../src/duplicates/fingerprint.ts';
import { normalizeText, normalizeUrl } from '../src/duplicates/normalize.ts';
import { reportDuplicates } from '../src/duplicates/report.ts';
import { buildFixture, FIXTURES, problems } from './helpers/build.ts';

const WEEKLY = path.resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'weekly');
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

describe('what two copies share', () => {
  it('one address, without tracking, fragment, trailing slash, www. or m.', () => {
    const key = 'example.com/news/2024/a.html?id=7';
    expect(normalizeUrl('https://www.example.com/news/2024/a.html?id=7')).toBe(key);
    expect(normalizeUrl('http://m.Example.com/news/2024/a.html/?utm_source=wechat&id=7&from=timeline#comments')).toBe(key);
    expect(normalizeUrl('https://example.com/news/2024/a.html?id=8')).not.toBe(key);
    expect(normalizeUrl('https://example.com/news/')).toBe(normalizeUrl('https://example.com/news/index.html'));
  });

  it('one text, whatever its spacing, punctuation, width, case or script', () => {
    expect(normalizeText('這裡記錄過去一週，我看到的「值得」分享的東西！ＡＢＣ')).toBe(normalizeText('这里记录过去一周, 我看到的“值得”分享的东西!abc'));
    const text = readFileSync(path.join(FIXTURES, 'duplicates/articles/night-shift.md'), 'utf8');
    expect(similarity(fingerprint(text), fingerprint(toTraditional(text).replace(/。/g, '. ')))).toBeGreaterThan(0.95);
    const other = readFileSync(path.join(FIXTURES, 'duplicates/articles/bookshop.md'), 'utf8');
    expect(similarity(fingerprint(text), fingerprint(other))).toBeLessThan(0.1);
  });
});

describe('at build time', () => {
  let dir: string | undefined;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('names both files and their similarity, and builds', async () => {
    const built = await buildFixture('duplicates');
    try {
      expect(built.result.ok).toBe(true);
      // Files are read in path order (clipped/ first): the warning is on the later one, at its `source:` when that is what they share.
      expect(problems(built.result, 'duplicates')).toEqual(['articles/night-shift.md:1:1 warning [article-duplicate]', 'articles/night-shift.md:5:9 warning [article-duplicate]']);
      const [text, source] = built.result.diagnostics.items;
      expect(text!.message).toMatch(/^Duplicate article: night-shift\.md and clipped\/night-shift-tw\.md have nearly the same text \(100 % alike/);
      expect(source!.message).toContain('night-shift.md and night-shift-mobile.md come from the same source (jiangan-daily.example.cn/culture/2024-03/18/night-shift.html)');
    } finally {
      await built.cleanup();
    }
  });

  it('is an error under --strict', async () => {
    const built = await buildFixture('duplicates', { strict: true });
    try {
      expect(built.result.ok).toBe(false);
      expect(built.result.diagnostics.errors.map((d) => d.rule)).toEqual(['article-duplicate', 'article-duplicate']);
    } finally {
      await built.cleanup();
    }
  });

  it.runIf(existsSync(WEEKLY))('finds one planted copy among the 407 weekly articles in well under a second', () => {
    // A copy of the corpus, with one issue again in Traditional characters under another name.
    dir = mkdtempSync(path.join(os.tmpdir(), 'anthology-duplicates-'));
    cpSync(WEEKLY, dir, { recursive: true });
    writeFileSync(path.join(dir, 'issue-12-tw.md'), toTraditional(readFileSync(path.join(dir, 'issue-12.md'), 'utf8')));
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => ({ path: f, file: path.join(dir!, f), text: splitFrontMatter(readFileSync(path.join(dir!, f), 'utf8')).body }));
    expect(sources.length).toBe(408);
    const diagnostics = new Diagnostics();
    const cpu = process.cpuUsage();
    const started = performance.now();
    reportDuplicates(sources, diagnostics);
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    console.log(`duplicates among ${sources.length} weekly articles: ${ms.toFixed(0)} ms of CPU, ${(performance.now() - started).toFixed(0)} ms`);
    expect(diagnostics.items.map((d) => d.message.split(' (')[0])).toEqual(['Duplicate article: issue-12.md and issue-12-tw.md have nearly the same text']);
    expect(ms).toBeLessThan(1000);
  });

  it('reports each pair once, the later article naming the earlier', () => {
    const text = readFileSync(path.join(FIXTURES, 'duplicates/articles/night-shift.md'), 'utf8');
    expect(findDuplicates([{ name: 'a', text }, { name: 'b', text }, { name: 'c', text: text + '多一句。' }]).map((d) => [d.first, d.second])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
  });
});
