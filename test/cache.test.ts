import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { FIXTURES } from './helpers/build.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'anthology-cache-'));
  await cp(path.join(FIXTURES, 'site'), path.join(root, 'book'), { recursive: true });
  await cp(path.resolve('templates'), path.join(root, 'book/templates'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const run = (cache: string | false = path.join(root, 'cache')) => build({ cwd: path.join(root, 'book'), out: path.join(root, 'dist'), formats: ['html'], cache });

describe('the build cache', () => {
  it('reuses processed articles, and processes again exactly what changed', async () => {
    const first = await run();
    expect(first.articles).toEqual({ cached: 0, processed: 3 });
    const index = path.join(root, 'dist/index.html');
    const before = (await stat(index)).mtimeMs;
    const second = await run();
    expect(second.articles).toEqual({ cached: 3, processed: 0 });
    // Nothing changed: the output folder is already right and is left alone.
    expect(second.upToDate).toBe(true);
    expect((await stat(index)).mtimeMs).toBe(before);
    expect(second.files).toEqual(first.files);
    // Same diagnostics from the cache as from processing.
    expect(second.diagnostics.items).toEqual(first.diagnostics.items);
    // A file missing from the output folder makes the next build write it again.
    await rm(index);
    const repaired = await run();
    expect(repaired.upToDate).toBeUndefined();
    expect(await readFile(index, 'utf8')).toContain('第一篇：活字');
    // So does a change to the templates.
    const css = path.join(root, 'book/templates/css/site.css');
    await writeFile(css, (await readFile(css, 'utf8')) + '\n.changed { color: red }\n');
    const restyled = await run();
    expect(restyled.upToDate).toBeUndefined();
    expect(restyled.articles).toEqual({ cached: 3, processed: 0 });
    expect(await readFile(path.join(root, 'dist/assets/site.css'), 'utf8')).toContain('.changed { color: red }');

    const third = path.join(root, 'book/articles/third.md');
    await writeFile(third, (await readFile(third, 'utf8')) + '\n新加的一段。\n');
    const edited = await run();
    expect(edited.articles).toEqual({ cached: 2, processed: 1 });
    expect(edited.upToDate).toBeUndefined();
    expect(await readFile(path.join(root, 'dist/articles/third.html'), 'utf8')).toContain('新加的一段。');

    // An image is part of its article's key: replacing it processes that article again.
    const image = path.join(root, 'book/articles/essays/img/dot.png');
    await writeFile(image, Buffer.concat([await readFile(image), Buffer.from([0])]));
    expect((await run()).articles).toEqual({ cached: 2, processed: 1 });

    // A new article changes where links can point: everything is processed again.
    await writeFile(path.join(root, 'book/articles/fourth.md'), '# Fourth\n\nNew.\n');
    expect((await run()).articles).toEqual({ cached: 0, processed: 4 });
  });

  it('is neither read nor written with cache: false', async () => {
    expect((await run(false)).articles).toEqual({ cached: 0, processed: 4 });
  });
});

describe('the cache of printed PDFs', () => {
  it('makes again only what one edited article changes, and the result equals a build without cache', async () => {
    const epoch = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    const book = path.join(root, 'pdf-book');
    await cp(path.join(FIXTURES, 'pdf-book'), book, { recursive: true });
    const cacheDir = path.join(root, 'pdf-cache');
    const build1 = (out: string, cache: string | false = cacheDir) =>
      build({ cwd: book, out: path.join(root, out), formats: ['pdf'], cache, templates: path.resolve('templates') });
    const entries = async (bucket: string) => (await readdir(path.join(cacheDir, bucket), { recursive: true })).filter((f) => String(f).endsWith('.pdf')).length;
    try {
      const first = await build1('pdf-1');
      expect(first.ok).toBe(true);
      const n = first.book!.articles.length;
      // Each article: its pages of the book and its own PDF are printed (two page setups), and its own PDF kept;
      // the front matter is printed without and with page numbers; the sources and permissions that end the book once.
      expect(await entries('pdf')).toBe(2 * n + 3);
      expect(await entries('pdf-own')).toBe(n);

      const edited = path.join(book, 'articles/02-english.md');
      await writeFile(edited, (await readFile(edited, 'utf8')) + '\nA sentence added after the first build.\n');
      const second = await build1('pdf-2');
      expect(second.ok).toBe(true);
      // Only the edited article was printed and made again (and the contents, if its page numbers moved).
      expect(await entries('pdf')).toBeGreaterThanOrEqual(2 * n + 5);
      expect(await entries('pdf')).toBeLessThanOrEqual(2 * n + 6);
      expect(await entries('pdf-own')).toBe(n + 1);

      const fresh = await build1('pdf-fresh', false);
      const names = fresh.files.map((f) => f.path).sort();
      expect(second.files.map((f) => f.path).sort()).toEqual(names);
      for (const name of names) {
        const same = Buffer.compare(await readFile(path.join(root, 'pdf-2', name)), await readFile(path.join(root, 'pdf-fresh', name))) === 0;
        expect(same, name).toBe(true);
      }
    } finally {
      if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = epoch;
    }
  });
});

describe('worker threads', () => {
  it('process a book to exactly the same articles as the main thread does', async () => {
    const { loadBook } = await import('../src/content/load.ts');
    const { bookConfigSchema } = await import('../src/config.ts');
    const { Diagnostics } = await import('../src/diagnostics.ts');
    const dir = path.join(root, 'many');
    await cp(path.join(FIXTURES, 'site/articles'), dir, { recursive: true });
    for (let i = 0; i < 30; i++) await writeFile(path.join(dir, `n-${i}.md`), `# 第 ${i} 篇\n\n见[第一篇](first.md#活字的诞生)。**粗体**，\`code\` ${'文字'.repeat(i)}\n`);
    const load = async (threads: number) => {
      const diagnostics = new Diagnostics();
      const book = await loadBook({ config: { ...bookConfigSchema.parse({}), base: root }, root: dir, diagnostics, threads });
      return { articles: book!.articles, diagnostics: diagnostics.items };
    };
    const inMain = await load(1);
    const inWorkers = await load(2);
    expect(inWorkers.articles).toHaveLength(33);
    expect(inWorkers).toEqual(inMain);
  });
});
