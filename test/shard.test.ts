/**
 * `build --shard K/N` and `merge`: the printing spread over several builds
 * (machines, in CI), assembled by one. The merged outputs must be the
 * single-machine build's: same pages, text, bookmarks and contents numbers —
 * in fact the same bytes, with SOURCE_DATE_EPOCH set as reproducible builds do.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions, type BuildResult } from '../src/build.ts';
import { main } from '../src/cli.ts';
import { MANIFEST, parseShard, type ShardManifest, shardParts } from '../src/shard.ts';
import { FIXTURES } from './helpers/build.ts';
import { bookmarks, missingPdfTools, pageTexts, pdfInfo } from './helpers/pdf-tools.ts';

const missing = missingPdfTools();
let root: string;
let book: string;
const dir = (name: string) => path.join(root, name);
const epoch = process.env.SOURCE_DATE_EPOCH;

const run = (out: string, options: BuildOptions = {}): Promise<BuildResult> =>
  build({ cwd: book, out: dir(out), cache: false, templates: path.resolve('templates'), ...options });
const errors = (r: BuildResult) => r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => d.message);

/** Every file below `base`, relative, sorted. */
async function filesOf(base: string): Promise<string[]> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(base, path.join(e.parentPath, e.name)))
    .sort();
}

beforeAll(async () => {
  process.env.SOURCE_DATE_EPOCH = '1700000000';
  root = await mkdtemp(path.join(os.tmpdir(), 'anthology-shard-'));
  book = dir('book');
  await cp(path.join(FIXTURES, 'pdf-book'), book, { recursive: true });
  // A fourth article, so that two parts are not trivially one article each.
  await writeFile(path.join(book, 'articles/04-more.md'), '---\ntitle: 第四篇\n---\n\n' + '第四篇的正文，用来把书分成两份。\n\n'.repeat(40));
});
afterAll(async () => {
  if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = epoch;
  await rm(root, { recursive: true, force: true });
});

describe('shards', () => {
  it('splits the articles into parts that cover each article once, the same way every time', () => {
    const articles = [9000, 100, 5000, 4000, 300, 8000, 50].map((characters, i) => ({ characters, path: `${i}.md` }));
    const parts = shardParts(articles, 3);
    expect(parts.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(shardParts(articles, 3)).toEqual(parts);
    // Balanced by length: no part has more than the longest article beyond another part.
    const weights = parts.map((p) => p.reduce((n, i) => n + articles[i]!.characters, 0));
    expect(Math.max(...weights) - Math.min(...weights)).toBeLessThanOrEqual(9000);
    expect(shardParts(articles, 1)).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    // More parts than articles: some parts are empty, none is lost.
    expect(shardParts(articles.slice(0, 2), 3).flat().sort()).toEqual([0, 1]);
    expect(parseShard('2/4')).toEqual({ k: 2, n: 4 });
    expect(parseShard('5/4')).toMatch(/between 1 and N/);
    expect(parseShard('two')).toMatch(/K\/N/);
  });

  it.skipIf(missing.length)('merged from two shards, the outputs equal a single build, byte for byte', async () => {
    const single = await run('single');
    expect(errors(single)).toEqual([]);

    const s1 = await run('s1', { shard: { k: 1, n: 2 } });
    const s2 = await run('s2', { shard: { k: 2, n: 2 } });
    expect(errors(s1)).toEqual([]);
    expect(errors(s2)).toEqual([]);
    const m1 = JSON.parse(await readFile(dir('s1/shard.json'), 'utf8')) as ShardManifest;
    const m2 = JSON.parse(await readFile(dir('s2/shard.json'), 'utf8')) as ShardManifest;
    // Each article printed by exactly one shard; a shard writes prints and nothing else.
    expect([...m1.printed, ...m2.printed].sort()).toEqual(single.book!.articles.map((a) => a.path).sort());
    expect(m1.printed.filter((p) => m2.printed.includes(p))).toEqual([]);
    expect(m1.printed.length).toBeGreaterThan(0);
    expect(m2.printed.length).toBeGreaterThan(0);
    // The book's pages and the article's own PDF have different page setups here: two prints per article.
    expect(m1.prints.length).toBe(2 * m1.printed.length);
    expect((await filesOf(dir('s1'))).filter((f) => !f.startsWith('prints/'))).toEqual([MANIFEST]);

    const merged = await run('merged', { merge: [dir('s2'), dir('s1')] });
    expect(errors(merged)).toEqual([]);

    const name = 'test-book.pdf';
    const a = path.join(single.outDir!, name);
    const b = path.join(merged.outDir!, name);
    expect(pdfInfo(b).Pages).toBe(pdfInfo(a).Pages);
    expect(pageTexts(b)).toEqual(pageTexts(a));
    expect(bookmarks(b)).toEqual(bookmarks(a));
    // The contents page, with its page numbers, as laid out.
    const tocPage = bookmarks(a).find((m) => m.title === '目录')!.page;
    const toc = pageTexts(b, { layout: true })[tocPage - 1]!;
    expect(toc).toBe(pageTexts(a, { layout: true })[tocPage - 1]);
    expect(toc).toMatch(/第四篇\D+\d+/);
    // Every file of the output, the article PDFs, the EPUB and the site included.
    const files = await filesOf(single.outDir!);
    expect(await filesOf(merged.outDir!)).toEqual(files);
    expect(files).toEqual(expect.arrayContaining(['test-book.epub', 'index.html', 'pdf/04-more.pdf']));
    for (const f of files) {
      const same = Buffer.compare(await readFile(path.join(single.outDir!, f)), await readFile(path.join(merged.outDir!, f))) === 0;
      expect(same, f).toBe(true);
    }
  });

  it.skipIf(missing.length)('merge prints no article: a print missing from the shards is an error naming the article', async () => {
    await cp(dir('s2'), dir('s2-broken'), { recursive: true });
    const manifest = JSON.parse(await readFile(dir('s2-broken/shard.json'), 'utf8')) as ShardManifest;
    const lost = manifest.prints[0]!;
    await writeFile(path.join(dir('s2-broken'), MANIFEST), JSON.stringify({ ...manifest, prints: manifest.prints.slice(1) }));
    const r = await run('merged-broken', { merge: [dir('s1'), dir('s2-broken')] });
    expect(r.ok).toBe(false);
    const problem = r.diagnostics.items.find((d) => d.rule === 'pdf-print');
    expect(problem?.file).toBe(path.join(book, 'articles', lost.article));
    expect(problem?.message).toMatch(/none of the shards printed it/);

    // A shard folder copied without some of its prints.
    await cp(dir('s1'), dir('s1-partial'), { recursive: true });
    const first = (JSON.parse(await readFile(dir('s1-partial/shard.json'), 'utf8')) as ShardManifest).prints[0]!;
    await rm(path.join(dir('s1-partial'), first.file));
    const partial = await run('merged-partial', { merge: [dir('s1-partial'), dir('s2')] });
    expect(partial.ok).toBe(false);
    expect(partial.diagnostics.items.find((d) => d.rule === 'pdf-print')?.message).toMatch(/the shard's print .* is missing \(was the shard folder copied whole\?\)/);
  });

  it.skipIf(missing.length)('refuses shards that are missing, given twice, of other splits or of another version of the book', async () => {
    const merge = async (dirs: string[]) => errors(await run('never', { merge: dirs.map(dir) }));
    expect(await merge(['s1'])).toEqual(['Shard 2/2 missing: merge needs all 2 parts']);
    expect((await merge(['s1', 's1', 's2']))[0]).toMatch(/Shard 1\/2 is given twice/);
    expect((await merge(['s1', 'single']))[0]).toMatch(/single is not a shard folder: it has no shard\.json/);

    const s3 = await run('s3', { shard: { k: 1, n: 3 } });
    expect(errors(s3)).toEqual([]);
    expect((await merge(['s1', 's3']))[0]).toMatch(/parts of different splits/);

    // An article edited after the shards were printed.
    const edited = path.join(book, 'articles/02-english.md');
    const text = await readFile(edited, 'utf8');
    await writeFile(edited, text + '\nOne more line.\n');
    try {
      expect((await merge(['s1', 's2']))[0]).toMatch(/was built from other articles \(1 differs: 02-english\.md\)/);
    } finally {
      await writeFile(edited, text);
    }
  });

  it('has a command line: build --shard K/N, merge DIR…, and clear usage errors', async () => {
    const io = () => {
      let err = '';
      const stream = { write: (s: string) => ((err += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
      return { io: { stdout: stream, stderr: stream }, text: () => err };
    };
    const bad = io();
    expect(await main(['build', '--shard', '3/2'], bad.io)).toBe(2);
    expect(bad.text()).toMatch(/--shard 3\/2: K must be between 1 and N/);
    const noDirs = io();
    expect(await main(['merge'], noDirs.io)).toBe(2);
    expect(noDirs.text()).toMatch(/merge needs the shard folders/);
    if (!missing.length) {
      const ok = io();
      expect(await main(['build', '--shard', '2/2', '--config', path.join(book, 'book.config.yaml'), '--out', dir('cli-s2'), '--no-cache', '-q'], ok.io)).toBe(0);
      expect(ok.text()).toMatch(/printed part 2\/2 of the 4 articles into/);
      const merged = io();
      expect(await main(['merge', dir('s1'), dir('cli-s2'), '--config', path.join(book, 'book.config.yaml'), '--out', dir('cli-merged'), '--no-cache', '-q'], merged.io)).toBe(0);
      expect(merged.text()).toMatch(/built 4 articles into/);
    }
    const withFormat = io();
    expect(await main(['build', '--shard', '1/2', '--format', 'pdf'], withFormat.io)).toBe(2);
    expect(withFormat.text()).toMatch(/--shard prints PDFs only/);
  });
});
