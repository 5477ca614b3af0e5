import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.ts';

let root: string;
let result: BuildResult;
const longWord = 'a'.repeat(100_000);
const longUrl = 'https://example.com/' + 'x'.repeat(5_000);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'anthology-sizes-'));
  const articles = path.join(root, 'articles');
  await mkdir(articles);
  await writeFile(path.join(articles, 'empty.md'), '');
  await writeFile(path.join(articles, 'long-words.md'), `# 长词\n\n${longWord}\n\n${longUrl}\n\n结尾。\n`);
  // About 4 MB of Chinese mixed with Latin, in 2,000 paragraphs.
  const paragraph = '这是一个很长的段落，包含中文和 English words 以及数字 12345。'.repeat(40);
  await writeFile(path.join(articles, 'big.md'), `# 大文件\n\n${Array.from({ length: 2000 }, (_, i) => `${i}：${paragraph}`).join('\n\n')}\n\n最后一段。\n`);
  result = await build({ cwd: root, out: path.join(root, 'dist'), formats: ['html'], cache: false });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('unusual sizes', () => {
  it('an empty file is left out of the book, with a warning (issue #12: no blank chapter)', () => {
    expect(result.ok).toBe(true);
    expect(result.diagnostics.items.map((d) => `${path.basename(d.file ?? '')} ${d.rule}`)).toEqual(['empty.md article-empty']);
    expect(result.book!.articles.map((a) => a.path).sort()).toEqual(['big.md', 'long-words.md']);
  });

  it('a several-megabyte article is built whole', async () => {
    const page = await readFile(path.join(root, 'dist/articles/big.html'), 'utf8');
    expect(page).toContain('1999：这是一个很长的段落');
    expect(page).toContain('最后一段。');
  });

  it('very long words and URLs are kept, breakable by the stylesheet', async () => {
    const page = await readFile(path.join(root, 'dist/articles/long-words.html'), 'utf8');
    expect(page).toContain(longWord);
    expect(page).toContain(`<a href="${longUrl}" rel="noopener">${longUrl}</a>`);
    const css = await readFile(path.join(root, 'dist/assets/site.css'), 'utf8');
    expect(css).toMatch(/overflow-wrap: anywhere/);
  });
});
