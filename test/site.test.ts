import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, type FixtureBuild, problems } from './helpers/build.ts';

let site: FixtureBuild;
beforeAll(async () => {
  site = await buildFixture('site');
});
afterAll(() => site?.cleanup());

/** Every local href/src of a page, resolved against the page. */
function localRefs(html: string, page: string): string[] {
  return [...html.matchAll(/(?:href|src)="([^"]*)"/g)]
    .map((m) => m[1]!)
    .filter((ref) => !/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(ref))
    .map((ref) => path.join(path.dirname(page), decodeURIComponent(ref.split('#')[0]!)));
}

describe('the website', () => {
  it('builds, naming each piece of raw HTML it removed at its line', () => {
    expect(site.result.ok).toBe(true);
    expect(problems(site.result, 'site')).toEqual([
      'articles/first.md:36:1 warning [html-removed]',
      'articles/first.md:36:28 warning [html-removed]',
      'articles/first.md:36:58 warning [url-removed]',
      'articles/first.md:36:95 warning [html-removed]',
      'articles/first.md:36:138 warning [html-removed]',
    ]);
    expect(site.result.diagnostics.items.map((d) => d.message)).toEqual([
      'Unexpected `<script>` in raw HTML: removed with its content',
      'Unexpected event handler `onclick` on `<p>`: removed',
      'Unexpected address `javascript:alert(1)` in `href` of `<a>`: only http(s), mailto and relative addresses are kept',
      'Unexpected `<iframe>` in raw HTML: removed with its content',
      'Unexpected `<style>` in raw HTML: removed with its content',
    ]);
  });

  it('lists the articles in book order with author, date, summary and tags', async () => {
    const index = await site.read('index.html');
    const titles = [...index.matchAll(/<h2 class="article-entry-title"><a href="articles\/([^"]+)\.html">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(titles).toEqual([
      ['first', '第一篇：活字'],
      ['second', 'The Second Essay'],
      ['third', '第三篇没有前言'],
    ]);
    expect(index).toContain('<span class="author">Ann Smith and Bo Li</span>');
    expect(index).toContain('<time datetime="2024-03-01">2024年3月1日</time>');
    expect(index).toContain('关于活字的一篇短文。');
    expect(index).toContain('<a href="tags/history.html">history</a>');
    expect(index).not.toContain('草稿');
    // Text from the config is escaped, never markup.
    expect(index).toContain('Fixture for site tests &amp; &lt;escaping&gt;.');
  });

  it('gives each article a page with byline, body, and previous/next links', async () => {
    const first = await site.read('articles/first.html');
    expect(first).toContain('<h1 class="article-title">第一篇：活字</h1>');
    expect(first).toContain('<span class="author">张三</span>');
    expect(first).toContain('<a href="second.html#how-it-works">第二篇的方法</a>');
    expect(first).toContain('<a href="third.html">第三篇</a>');
    expect(first).toContain('<a class="pager-next" rel="next" href="second.html">');
    expect(first).not.toContain('pager-prev');
    expect(first).toMatch(/<figure><img src="\.\.\/images\/dot-[0-9a-f]{10}\.png" alt="排字架" title="图一：排字架" loading="lazy" decoding="async"><figcaption>图一：排字架<\/figcaption><\/figure>/);
    const second = await site.read('articles/second.html');
    expect(second).toContain('<html lang="zh-CN">');
    expect(second).toContain('<article class="article" lang="en">');
    expect(second).toContain('<a href="first.html#活字的诞生">link back</a>');
    expect(second).toContain('<a class="pager-prev" rel="prev" href="first.html">');
    // Remote images stay remote on the site, lazily loaded.
    expect(second).toContain('<img src="https://example.com/photo.jpg" alt="A remote photo" loading="lazy" decoding="async" referrerpolicy="no-referrer">');
    const third = await site.read('articles/third.html');
    expect(third).toContain('这一行换行在中文之间不应产生空格。');
  });

  it('keeps attacks in raw HTML out of the page, and the text in', async () => {
    const first = await site.read('articles/first.html');
    const body = first.slice(first.indexOf('<div class="article-body">'));
    expect(body).not.toMatch(/<script|onclick|javascript:|<iframe|<style|display:none|alert/i);
    expect(body).toContain('安全的段落');
  });

  it('writes tag pages and an Atom feed', async () => {
    const tag = await site.read('tags/排版.html');
    expect(tag).toContain('<a href="../articles/first.html">第一篇：活字</a>');
    const tags = await site.read('tags/index.html');
    expect(tags).toContain('<a href="history.html">history <span class="count">1</span></a>');
    const feed = await site.read('feed.xml');
    expect(feed.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect([...feed.matchAll(/<entry /g)]).toHaveLength(3);
    expect(feed).toContain('<title>第一篇：活字</title>');
    expect(feed).toContain('<updated>2024-03-01T00:00:00Z</updated>');
  });

  it('needs nothing from the network and has no broken local link', async () => {
    const pages: string[] = [];
    const walk = async (dir: string) => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith('.html')) pages.push(p);
      }
    };
    await walk(site.out);
    expect(pages.length).toBe(9); // index, 3 articles, the tag index, 3 tags and the search page
    for (const page of pages) {
      const html = await site.read(path.relative(site.out, page));
      for (const target of localRefs(html, page)) expect(existsSync(target), `${page} → ${target}`).toBe(true);
      // Only the search page runs a script (test/search.test.ts), and only local ones.
      if (path.basename(page) === 'search.html') expect(html).not.toMatch(/<script[^>]+src="(?!pagefind\/)/i);
      else expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(?:href|src)="https?:\/\/[^"]*\.(?:css|woff2?|js)"/);
    }
    const css = await site.read('assets/site.css');
    const fonts = [...css.matchAll(/url\("([^"]+)"\)/g)].map((m) => path.join(site.out, 'assets', m[1]!));
    expect(fonts.length).toBeGreaterThan(50);
    for (const f of fonts) expect(existsSync(f), f).toBe(true);
    expect(css).toContain('@media (prefers-color-scheme: dark)');
  });
});
