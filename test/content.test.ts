import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookConfigSchema } from '../src/config.ts';
import { decode } from '../src/content/decode.ts';
import { splitFrontMatter } from '../src/content/frontmatter.ts';
import { loadBook } from '../src/content/load.ts';
import { Diagnostics, formatDiagnostic } from '../src/diagnostics.ts';
import { FIXTURES } from './helpers/build.ts';

async function load(fixture: string, config: object = {}, drafts = false) {
  const diagnostics = new Diagnostics();
  const book = await loadBook({
    config: { ...bookConfigSchema.parse(config), base: path.join(FIXTURES, fixture) },
    root: path.join(FIXTURES, fixture, 'articles'),
    diagnostics,
    drafts,
  });
  return { book, diagnostics, lines: diagnostics.items.map((d) => formatDiagnostic(d, path.join(FIXTURES, fixture))) };
}

describe('loading articles', () => {
  it('reads front matter, takes titles from the first heading, and orders by order, then date, then path', async () => {
    const { book, diagnostics } = await load('site');
    // Only the raw HTML attack in first.md is reported (see site.test.ts).
    expect(diagnostics.items.map((d) => d.rule)).toEqual(['html-removed', 'html-removed', 'url-removed', 'html-removed', 'html-removed']);
    expect(book!.articles.map((a) => [a.path, a.title, a.slug])).toEqual([
      ['first.md', '第一篇：活字', 'first'],
      ['essays/second.md', 'The Second Essay', 'second'],
      ['third.md', '第三篇没有前言', 'third'],
    ]);
    const [first, second, third] = book!.articles;
    expect(first).toMatchObject({ authors: ['张三'], date: '2024-03-01', tags: ['排版', '历史'], lang: 'zh-CN', summary: '关于活字的一篇短文。' });
    expect(second).toMatchObject({ authors: ['Ann Smith', 'Bo Li'], tags: ['history'], lang: 'en' });
    expect(third!.lang).toBe('zh-CN');
    expect(third!.excerpt).toBe('没有 front matter 的文章，标题来自第一个标题。');
    // The title heading is not repeated in the body.
    expect(JSON.stringify(first!.tree)).not.toContain('第一篇：活字');
    expect([...book!.tags.keys()]).toEqual(['排版', '历史', 'history']);
  });

  it('leaves drafts out unless asked', async () => {
    expect((await load('site')).book!.articles.some((a) => a.title === '草稿')).toBe(false);
    expect((await load('site', {}, true)).book!.articles.some((a) => a.title === '草稿')).toBe(true);
  });

  it('sorts by the config: explicit list first, then the chosen sort', async () => {
    const { book } = await load('site', { order: ['third.md'], sort: 'date-desc' });
    expect(book!.articles.map((a) => a.slug)).toEqual(['third', 'first', 'second']);
    const byTitle = await load('site', { sort: 'title' });
    expect(byTitle.book!.articles.map((a) => a.slug)).toEqual(['third', 'first', 'second']); // pinyin order: 第三 (sān) before 第一 (yī), Han before Latin
  });

  it('reports every front matter problem with its line, and keeps going', async () => {
    const { book, lines } = await load('bad-front-matter');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^articles\/broken\.md:4:\d+: error Invalid YAML in front matter: .* \[front-matter-yaml\]$/),
        'articles/types.md:3:8: error Invalid `draft`: Invalid input: expected boolean, received string [front-matter-invalid]',
        'articles/types.md:4:1: warning Unknown key `autor` in front matter, ignored; did you mean `author`? [front-matter-unknown-key]',
      ]),
    );
    expect(book!.articles.map((a) => a.slug)).toEqual(['ok']);
  });

  it('rejects impossible dates', async () => {
    const { lines } = await load('bad-front-matter');
    // broken.md has a YAML error first; check the date rule on its own.
    const { parseFrontMatter } = await import('../src/content/frontmatter.ts');
    const r = parseFrontMatter('date: 2023-02-29\n', '/a.md');
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', line: 2, message: expect.stringContaining('not a real date') });
    expect(lines.length).toBeGreaterThan(0);
  });

  it('decodes GBK, Big5, BOM and CRLF files without mojibake', async () => {
    const { book, lines } = await load('encodings');
    const titles = book!.articles.map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['简体中文的标题', '繁體中文的標題', '带 BOM 与 CRLF']));
    expect(lines.filter((l) => l.includes('[encoding]'))).toHaveLength(2);
    expect(decode(new TextEncoder().encode('a\r\nb')).text).toBe('a\nb');
  });

  it('keeps line numbers of the body when front matter is removed', () => {
    const { yaml, body } = splitFrontMatter('---\ntitle: x\n---\n# H\n');
    expect(yaml).toBe('title: x\n');
    expect(body.split('\n')[3]).toBe('# H');
  });

  it('uses the file name as title, with a warning, when there is none; same file names get distinct slugs, with a warning', async () => {
    const { book, lines } = await load('untitled');
    expect(lines).toEqual([
      'articles/b/same.md:1:1: warning Duplicate slug `same`: a/same.md is named `same` after its file, and this article (b/same.md) is named after its file too; this article is published as `same-2` instead (articles/same-2.html, pdf/same-2.pdf). Give one of them another `slug:` in its front matter [slug-duplicate]',
      'articles/notes.md:1:1: warning The article has no title: add `title:` to its front matter or start it with a `# Title` line; using the file name "notes" [title-missing]',
    ]);
    expect(book!.articles.map((a) => [a.title, a.slug])).toEqual([
      ['Same', 'same'],
      ['Same', 'same-2'],
      ['notes', 'notes'],
    ]);
  });
});
