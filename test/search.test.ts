/**
 * Full-text search on the website (src/outputs/search.ts): real builds,
 * served by a real HTTP server on 127.0.0.1, fetched with a real HTTP client
 * and searched in headless Chromium, with and without JavaScript.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { searchLanguage } from '../src/outputs/search.ts';
import type { Book } from '../src/types.ts';
import { buildFixture, type FixtureBuild } from './helpers/build.ts';
import { filesUnder, type Served, serveFolder as serve } from './helpers/static.ts';

// ---------------------------------------------------------------------------
// Driving the search page
// ---------------------------------------------------------------------------

const TITLES = '.pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link';

/** Titles of the articles found (not of their sections), once the list settles on `expected` (or after 15 s). */
async function resultTitles(page: Page, expected: string[]): Promise<string[]> {
  await page
    .waitForFunction(
      (selector: string, exp: string[]) => {
        const titles = Array.from(document.querySelectorAll(selector)).map((a) => a.textContent!.trim());
        return JSON.stringify(titles) === JSON.stringify(exp) && !document.querySelector('.pagefind-ui__loading');
      },
      { timeout: 15_000, polling: 100 },
      TITLES,
      expected,
    )
    .catch(() => undefined);
  return page.$$eval(TITLES, (els) => els.map((a) => a.textContent!.trim()));
}

/** Types a query into the header box of `from`, submits it, and lands on the search page. */
async function searchFromHeader(page: Page, from: string, query: string): Promise<void> {
  await page.goto(from);
  await page.type('.site-search-input', query);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

/** Replaces the query in Pagefind's own box on the search page. */
async function searchOnPage(page: Page, query: string): Promise<void> {
  const input = await page.waitForSelector('.pagefind-ui__search-input');
  await input!.click({ count: 3 });
  await page.keyboard.press('Backspace');
  await input!.type(query);
}

// ---------------------------------------------------------------------------

let browser: Browser;
let mixed: FixtureBuild; // an English book with Chinese and English articles
let chinese: FixtureBuild; // the site fixture: a Chinese book with one English article
let mixedServer: Served;
let chineseServer: Served;

beforeAll(async () => {
  [mixed, chinese] = await Promise.all([buildFixture('search'), buildFixture('site')]);
  [mixedServer, chineseServer] = await Promise.all([serve(mixed.out, '/book/'), serve(chinese.out)]);
  browser = await launchBrowser({ executablePath: (await requireBrowser()).path });
});

afterAll(async () => {
  if (browser) await closeBrowser(browser);
  await Promise.all([mixedServer?.close(), chineseServer?.close()]);
  await Promise.all([mixed?.cleanup(), chinese?.cleanup()]);
});

async function newPage(options: { javaScript?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(options.javaScript ?? true);
  await page.setViewport({ width: 1000, height: 900 });
  return page;
}

describe('the search index', () => {
  it('is written into pagefind/ as one index for the whole book, with the search page', async () => {
    for (const site of [mixed, chinese]) {
      expect(site.result.ok).toBe(true);
      expect(site.result.diagnostics.items.filter((d) => d.rule.startsWith('search'))).toEqual([]);
      const paths = site.result.files.map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['search.html', 'pagefind/pagefind.js', 'pagefind/pagefind-ui.js', 'pagefind/pagefind-ui.css', 'pagefind/pagefind-entry.json']));
      // Only the UI the site uses.
      expect(paths.filter((p) => /component-ui|modular-ui|highlight/.test(p))).toEqual([]);
      // What the build lists is what is on disk.
      expect((await filesUnder(path.join(site.out, 'pagefind'))).map((p) => `pagefind/${p}`)).toEqual(paths.filter((p) => p.startsWith('pagefind/')).sort());
    }
    // Chinese articles in an English book: the index is Chinese, so that Chinese text is cut into words.
    const entry = JSON.parse(await mixed.read('pagefind/pagefind-entry.json'));
    expect(Object.keys(entry.languages)).toEqual(['zh-cn']);
    expect(entry.languages['zh-cn'].page_count).toBe(4);
    const zhEntry = JSON.parse(await chinese.read('pagefind/pagefind-entry.json'));
    expect(Object.keys(zhEntry.languages)).toEqual(['zh-cn']);
    expect(zhEntry.languages['zh-cn'].page_count).toBe(3);
  });

  it('picks the language the book is indexed in', () => {
    const book = (lang: string | undefined, ...articles: string[]) => ({ config: { lang }, articles: articles.map((l) => ({ lang: l })) }) as unknown as Book;
    expect(searchLanguage(book('zh-CN', 'zh-CN', 'en'))).toBe('zh-cn');
    expect(searchLanguage(book('en', 'en', 'zh-CN', 'zh-CN', 'ja'))).toBe('zh-cn');
    expect(searchLanguage(book('en', 'en', 'fr'))).toBe('en');
    expect(searchLanguage(book('ja', 'zh-CN'))).toBe('ja');
    expect(searchLanguage(book(undefined, 'de'))).toBe('de');
  });

  it('links every page to the search page, and every local reference of the pages resolves', async () => {
    const pages = (await filesUnder(mixed.out)).filter((p) => p.endsWith('.html'));
    expect(pages).toContain('search.html');
    for (const rel of pages) {
      const html = await mixed.read(rel);
      if (rel !== 'search.html') expect(html).toMatch(/<form class="site-search" role="search" action="(\.\.\/)?search\.html" method="get">/);
      for (const [, ref] of html.matchAll(/(?:href|src|action)="([^"]*)"/g)) {
        if (/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(ref!)) continue;
        const target = path.join(mixed.out, path.dirname(rel), decodeURIComponent(ref!.split(/[?#]/)[0]!));
        await expect(stat(target).then((s) => s.isFile()), `${rel} → ${ref}`).resolves.toBe(true);
      }
    }
  });
});

describe('served over HTTP', () => {
  it('serves the search page and the whole Pagefind bundle to an HTTP client', async () => {
    const page = await fetch(mixedServer.url + 'search.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<script src="pagefind/pagefind-ui.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="pagefind/pagefind-ui.css">');

    for (const name of ['pagefind.js', 'pagefind-ui.js', 'pagefind-worker.js']) {
      const res = await fetch(`${mixedServer.url}pagefind/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect((await res.text()).length).toBeGreaterThan(1000);
    }
    const entry = (await (await fetch(mixedServer.url + 'pagefind/pagefind-entry.json')).json()) as { languages: Record<string, { hash: string; wasm: string | null }> };
    const { hash, wasm } = entry.languages['zh-cn']!;
    expect((await fetch(`${mixedServer.url}pagefind/pagefind.${hash}.pf_meta`)).status).toBe(200);
    expect((await fetch(`${mixedServer.url}pagefind/wasm.${wasm ?? 'unknown'}.pagefind`)).status).toBe(200);

    // Every index chunk and page fragment, byte for byte.
    const bundle = await filesUnder(path.join(mixed.out, 'pagefind'));
    const chunks = bundle.filter((p) => /^(index|fragment)\//.test(p));
    expect(chunks.filter((p) => p.startsWith('index/')).length).toBeGreaterThan(0);
    expect(chunks.filter((p) => p.startsWith('fragment/')).length).toBe(4);
    for (const rel of chunks) {
      const res = await fetch(`${mixedServer.url}pagefind/${rel}`);
      expect(res.status, rel).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(path.join(mixed.out, 'pagefind', rel))), rel).toBe(true);
    }
  });
});

describe('searching in the browser', () => {
  it('finds Chinese articles with Chinese words and English ones with English words (English book)', async () => {
    const page = await newPage();
    try {
      await searchFromHeader(page, mixedServer.url + 'articles/glacier.html', '醒木');
      expect(page.url()).toBe(`${mixedServer.url}search.html?q=${encodeURIComponent('醒木')}`);
      expect(await resultTitles(page, ['茶馆里的说书人'])).toEqual(['茶馆里的说书人']);
      // Several words run together, as Chinese is written.
      await searchOnPage(page, '蝴蝶装');
      expect(await resultTitles(page, ['线装书的针脚'])).toEqual(['线装书的针脚']);
      await searchOnPage(page, '书场的规矩');
      expect(await resultTitles(page, ['茶馆里的说书人'])).toEqual(['茶馆里的说书人']);
      // Cut into words (书 的 规矩) as on a Chinese page, though this page is English:
      // uncut, Pagefind would match the characters and find the other article.
      await searchOnPage(page, '书的规矩');
      expect(await resultTitles(page, ['茶馆里的说书人'])).toEqual(['茶馆里的说书人']);
      await searchOnPage(page, 'foghorn');
      expect(await resultTitles(page, ["The Lighthouse Keeper's Logbook"])).toEqual(["The Lighthouse Keeper's Logbook"]);
      await searchOnPage(page, 'Crevasse');
      expect(await resultTitles(page, ['Notes from a Glacier'])).toEqual(['Notes from a Glacier']);
      // The address follows the query: reload and back come back to the results.
      expect(page.url()).toBe(`${mixedServer.url}search.html?q=Crevasse`);

      // Author and date show with each result, in the book's words.
      const tags = await page.$$eval('.pagefind-ui__result-tag', (els) => els.map((e) => e.textContent!.trim()));
      expect(tags).toEqual(['Author: Brede Lund', 'Date: August 3, 2024']);

      // Results link into the site, which is served from /book/; a section of an article links to its heading.
      await searchOnPage(page, 'meltwater');
      expect(await resultTitles(page, ['Notes from a Glacier'])).toEqual(['Notes from a Glacier']);
      const links = await page.$$eval('.pagefind-ui__result-link', (els) => els.map((e) => e.getAttribute('href')));
      expect(links).toContain('/book/articles/glacier.html#meltwater');
      await Promise.all([page.waitForNavigation(), page.click(TITLES)]);
      expect(page.url()).toBe(`${mixedServer.url}articles/glacier.html`);
      expect(await page.$eval('h1.article-title', (e) => e.textContent)).toBe('Notes from a Glacier');
    } finally {
      await page.close();
    }
  });

  it('finds Chinese and English articles in a Chinese book, and nothing of the navigation', async () => {
    const page = await newPage();
    try {
      await searchFromHeader(page, chineseServer.url + 'index.html', '泥活字');
      expect(await resultTitles(page, ['第一篇：活字'])).toEqual(['第一篇：活字']);
      await searchOnPage(page, '换行');
      expect(await resultTitles(page, ['第三篇没有前言'])).toEqual(['第三篇没有前言']);
      await searchOnPage(page, 'remote image');
      expect(await resultTitles(page, ['The Second Essay'])).toEqual(['The Second Essay']);
      // The UI speaks the page's language.
      expect(await page.$eval('.pagefind-ui__message', (e) => e.textContent)).toMatch(/找到/);
      expect(await page.$$eval('.pagefind-ui__result-tag', (els) => els.map((e) => e.textContent!.trim()))).toEqual(['作者: Ann Smith and Bo Li', '日期: January 15, 2024']);
      // Only the articles are indexed: not the words around them (the skip
      // link, the navigation, the book's description on the
      // contents page), and not the drafts that the build leaves out.
      // (A string, so that the test runner leaves its import() alone.)
      const found = await page.evaluate(`(async () => {
        const pagefind = await import(new URL('pagefind/pagefind.js', location.href).href);
        const urls = async (q) => Promise.all((await pagefind.search(q)).results.map(async (r) => (await r.data()).url));
        return { skip: await urls('跳到正文'), nav: await urls('订阅'), description: await urls('escaping'), draft: await urls('草稿'), body: await urls('安全的段落') };
      })()`);
      expect(found).toEqual({ skip: [], nav: [], description: [], draft: [], body: ['/articles/first.html'] });
    } finally {
      await page.close();
    }
  });
});

describe('without JavaScript', () => {
  it('shows the contents, the articles and the navigation, and hides the search box', async () => {
    const page = await newPage({ javaScript: false });
    try {
      await page.goto(mixedServer.url + 'index.html');
      const index = await page.evaluate(() => ({
        titles: Array.from(document.querySelectorAll('.article-entry-title a')).map((a) => a.textContent),
        nav: Array.from(document.querySelectorAll('.site-nav a')).map((a) => a.textContent),
        searchBox: getComputedStyle(document.querySelector('.site-search')!).display,
      }));
      expect(index.titles).toHaveLength(4);
      expect(index.nav).toEqual(['Contents', 'Tags', 'Feed']);
      expect(index.searchBox).toBe('none');

      await page.click('.article-entry-title a');
      await page.waitForSelector('.article-body');
      const article = await page.evaluate(() => ({
        title: document.querySelector('.article-title')?.textContent,
        body: document.querySelector('.article-body')?.textContent?.trim().slice(0, 20),
        pager: Array.from(document.querySelectorAll('.pager a')).map((a) => a.getAttribute('href')),
        searchBox: getComputedStyle(document.querySelector('.site-search')!).display,
      }));
      expect(article.title).toBeTruthy();
      expect(article.body!.length).toBeGreaterThan(10);
      expect(article.pager.length).toBeGreaterThan(0);
      expect(article.searchBox).toBe('none');

      // The search page, if reached anyway, says why it cannot search and where to go instead.
      await page.goto(mixedServer.url + 'search.html?q=foghorn');
      const search = await page.evaluate(() => ({
        note: document.querySelector('.search-note')?.textContent,
        visible: Array.from(document.querySelectorAll('.search-note')).filter((e) => (e as HTMLElement).offsetParent !== null).length,
        browse: Array.from(document.querySelectorAll('.search-browse a')).map((a) => a.getAttribute('href')),
        results: document.querySelectorAll('.pagefind-ui__result').length,
      }));
      expect(search.note).toContain('needs JavaScript');
      expect(search.visible).toBe(1);
      expect(search.browse).toEqual(['index.html', 'tags/index.html']);
      expect(search.results).toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe('opened from a file', () => {
  it('explains that search needs a web server, and the rest of the site still works', async () => {
    const page = await newPage();
    try {
      await searchFromHeader(page, pathToFileURL(path.join(mixed.out, 'index.html')).href, 'foghorn');
      expect(page.url()).toBe(`${pathToFileURL(path.join(mixed.out, 'search.html')).href}?q=foghorn`);
      await page.waitForSelector('#search-file:not([hidden])', { timeout: 5_000 });
      expect(await page.$eval('#search-file', (e) => e.textContent)).toContain('web server');
      expect(await page.$$('.pagefind-ui__result')).toHaveLength(0);
      await Promise.all([page.waitForNavigation(), page.click('.search-browse a')]);
      expect(await page.$$eval('.article-entry-title a', (els) => els.length)).toBe(4);
    } finally {
      await page.close();
    }
  });
});

describe('where Pagefind cannot run', () => {
  it('builds the site without search, with a warning, and nothing points to search', async () => {
    const saved = process.env.PAGEFIND_EXTENDED_BINARY_PATH;
    process.env.PAGEFIND_EXTENDED_BINARY_PATH = path.join(mixed.out, 'no-such-pagefind');
    let site: FixtureBuild | undefined;
    try {
      site = await buildFixture('search');
      expect(site.result.ok).toBe(true);
      expect(site.result.diagnostics.items.map((d) => `${d.severity} ${d.rule}`)).toEqual(['warning search-unavailable']);
      expect(site.result.diagnostics.items[0]!.message).toMatch(/^The site is built without full-text search: Pagefind could not start \(.+\)$/);
      expect(site.result.files.filter((f) => f.path === 'search.html' || f.path.startsWith('pagefind/'))).toEqual([]);
      for (const page of ['index.html', 'articles/glacier.html']) {
        const html = await site.read(page);
        expect(html).not.toContain('site-search');
        expect(html).not.toContain('search.html');
      }
    } finally {
      if (saved === undefined) delete process.env.PAGEFIND_EXTENDED_BINARY_PATH;
      else process.env.PAGEFIND_EXTENDED_BINARY_PATH = saved;
      await site?.cleanup();
    }
  });
});
