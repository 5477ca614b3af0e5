/**
 * The website for every reader, checked with the tools others check it
 * with: axe-core in headless Chromium (every rule, in the light and the dark
 * colour scheme) and the Nu Html Checker, on every kind of page of real
 * builds — test/fixtures/a11y (Chinese and English articles with task
 * lists, footnotes, code, quotations, tables, struck text and passages in
 * other languages) and the sample book at the root of the repository — and
 * on the pages of the dev server (its badge, the print preview).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/dev/server.ts';
import { requireBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { buildFolder, FIXTURES, type FixtureBuild, problems } from './helpers/build.ts';
import { axe, vnuErrors } from './helpers/readers.ts';
import { filesUnder, type Served, serveFolder } from './helpers/static.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(FIXTURES, 'a11y');
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

// ---------------------------------------------------------------------------
// The checkers
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// The sites, the dev server, the browser
// ---------------------------------------------------------------------------

let browser: Browser;
let fixture: FixtureBuild;
let sample: FixtureBuild;
let fixtureSite: Served;
let sampleSite: Served;
let dev: DevServer;
let devPages: string;
let vnu: Promise<string[]>;

/** Dev server pages, saved for the Nu Html Checker as they are served. */
const DEV_PAGES = { 'index.html': '/', 'article.html': '/articles/%E7%BA%B8%E4%B8%8A%E7%9A%84%E5%AD%97.html', 'print-article.html': '/__anthology/print/纸上的字', 'print-book.html': '/__anthology/print/' };

beforeAll(async () => {
  [fixture, sample] = await Promise.all([buildFolder(FIXTURE), buildFolder(REPO)]);
  [fixtureSite, sampleSite] = await Promise.all([serveFolder(fixture.out), serveFolder(sample.out)]);
  dev = await startDevServer({ cwd: FIXTURE, port: 0, cache: false });
  await dev.ready();
  devPages = await mkdtemp(path.join(tmpdir(), 'anthology-a11y-dev-'));
  for (const [name, p] of Object.entries(DEV_PAGES)) {
    const res = await fetch(new URL(p, dev.url));
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    await writeFile(path.join(devPages, name), await res.text());
  }
  // The checker runs (in Java) while the browser checks the pages.
  const html = async (out: string) => (await filesUnder(out)).filter((p) => p.endsWith('.html') && !p.startsWith('pagefind/')).map((p) => path.join(out, p));
  const files = [...(await html(fixture.out)), ...(await html(sample.out)), ...(await html(devPages))];
  vnu = vnuErrors(files, tmpdir());
  vnu.catch(() => {}); // awaited in its test
  browser = await launchBrowser({ executablePath: (await requireBrowser()).path });
});

afterAll(async () => {
  if (browser) await closeBrowser(browser);
  await Promise.all([fixtureSite?.close(), sampleSite?.close(), dev?.close()]);
  await Promise.all([fixture?.cleanup(), sample?.cleanup(), devPages && rm(devPages, { recursive: true, force: true })]);
});

/** A page in the given colour scheme, at `url`, with its fonts loaded. */
async function open(url: string, scheme: Scheme): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1024, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return page;
}

/** axe's findings on `rel` of a site, in both colour schemes; `ready` runs on the page first. */
async function checkPage(site: Served, rel: string, ready?: (page: Page) => Promise<void>): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of SCHEMES) {
    const page = await open(new URL(rel, site.url).href, scheme);
    try {
      await ready?.(page);
      found.push(...(await axe(page, `${rel} (${scheme})`)));
    } finally {
      await page.close();
    }
  }
  return found;
}

/** Types `query` into Pagefind's box and waits for the results (with their sections) to settle. */
async function search(page: Page, query: string): Promise<void> {
  const input = await page.waitForSelector('.pagefind-ui__search-input');
  await input!.type(query);
  // The results of the whole query (the message names it; typing searches again), each with its excerpt
  // and sub-results (they replace the loading placeholders).
  await page.waitForFunction(
    (q) =>
      document.querySelector('.pagefind-ui__message')?.textContent?.includes(q) &&
      document.querySelector('.pagefind-ui__results') &&
      document.querySelectorAll('.pagefind-ui__result-excerpt').length > 0 &&
      !document.querySelector('.pagefind-ui__loading'),
    { timeout: 60_000, polling: 100 },
    query,
  );
}

// ---------------------------------------------------------------------------

describe('the site of the a11y fixture', () => {
  it('builds, with the one warning the fixture asks for', () => {
    expect(fixture.result.ok).toBe(true);
    expect(problems(fixture.result, 'a11y')).toEqual(['articles/plain-words.md:10:5 warning [link-missing]']);
  });

  it.each([
    ['the contents', 'index.html'],
    ['a Chinese article', `articles/${encodeURIComponent('纸上的字')}.html`],
    ['an English article', 'articles/plain-words.html'],
    ['a short article with a previous and a next one', `articles/${encodeURIComponent('小记')}.html`],
    ['the tags', 'tags/index.html'],
    ['a tag', `tags/${encodeURIComponent('排版')}.html`],
  ])('has nothing axe finds wrong on %s (%s), light and dark', async (_, rel) => {
    expect(await checkPage(fixtureSite, rel)).toEqual([]);
  });

  it('has nothing axe finds wrong on the search page, empty and with results', async () => {
    expect(await checkPage(fixtureSite, 'search.html', (page) => page.waitForSelector('.pagefind-ui__search-input').then(() => undefined))).toEqual([]);
    expect(await checkPage(fixtureSite, 'search.html', (page) => search(page, '活字'))).toEqual([]);
  });

  it('names each task-list checkbox by the words of its item, for screen readers', async () => {
    const page = await open(new URL(`articles/${encodeURIComponent('纸上的字')}.html`, fixtureSite.url).href, 'light');
    try {
      const snapshot = await page.accessibility.snapshot({ interestingOnly: true });
      const boxes: { name?: string; checked?: boolean | 'mixed' }[] = [];
      const walk = (node: typeof snapshot) => {
        if (!node) return;
        if (node.role === 'checkbox') boxes.push({ name: node.name, checked: node.checked });
        node.children?.forEach(walk);
      };
      walk(snapshot);
      expect(boxes).toEqual([
        { name: '校对第一章，仔细看校样', checked: true },
        { name: '排版第二章', checked: false },
        { name: '嵌套的子任务', checked: false },
        { name: '已取消的任务', checked: false },
      ]);
    } finally {
      await page.close();
    }
  });

  it('keeps the language of passages that an article marks in raw HTML', async () => {
    const page = await open(new URL(`articles/${encodeURIComponent('纸上的字')}.html`, fixtureSite.url).href, 'light');
    try {
      const langs = await page.$$eval('.article-body [lang]', (els) => els.map((e) => [e.tagName.toLowerCase(), e.getAttribute('lang'), e.textContent]));
      expect(langs).toEqual([
        ['p', 'ja', '日本語の一文もある。'],
        ['span', 'en', 'Type is a hand-made thing.'],
      ]);
    } finally {
      await page.close();
    }
    expect(await fixture.read('articles/plain-words.html')).toContain('<span lang="zh-CN">纯文本</span>');
  });

  it('writes every link address as a valid URL that leads where the author meant', async () => {
    const page = await open(new URL(`articles/${encodeURIComponent('纸上的字')}.html`, fixtureSite.url).href, 'light');
    try {
      const links = await page.$$eval('.article-header a, .article-body p > a', (els) => els.map((a) => [a.textContent, a.getAttribute('href'), (a as HTMLAnchorElement).href]));
      const byText = new Map(links.map(([text, attr, resolved]) => [text, { attr, resolved }]));
      // A second `#` is part of the fragment.
      expect(byText.get('一个带两个井号的地址')).toEqual({ attr: 'https://example.com/a#b%23c', resolved: 'https://example.com/a#b%23c' });
      expect(byText.get('原文')).toEqual({ attr: 'https://example.com/original#part%232', resolved: 'https://example.com/original#part%232' });
      // Escapes are kept; the browser finds `id="a b"` from `#a%20b`.
      expect(byText.get('带空格的片段')?.attr).toBe('#a%20b');
      // Schemes are case-insensitive.
      expect(byText.get('MAILTO:FOO@BAR.BAZ')?.attr).toBe('mailto:FOO@BAR.BAZ');
      expect(byText.get('https://example.com/路径?q=活字')?.attr).toBe('https://example.com/%E8%B7%AF%E5%BE%84?q=%E6%B4%BB%E5%AD%97');
      // Fragments of headings stay as they read.
      expect(byText.get('本文的代码')?.attr).toBe('#代码');
      expect(byText.get('英文那篇的注释')?.attr).toBe('plain-words.html#the-notes');
    } finally {
      await page.close();
    }
  });
});

describe('the sample book', () => {
  it('builds without a problem', () => {
    expect(sample.result.ok).toBe(true);
    expect(sample.result.diagnostics.items).toEqual([]);
  });

  it('has nothing axe finds wrong on any page kind, light and dark', async () => {
    const pages = (await filesUnder(sample.out)).filter((p) => p.endsWith('.html') && !p.startsWith('pagefind/'));
    const articles = pages.filter((p) => p.startsWith('articles/'));
    const tags = pages.filter((p) => p.startsWith('tags/') && p !== 'tags/index.html');
    expect(articles.length).toBeGreaterThan(5);
    // Every page at the top (the contents, "Sources and permissions", …) but the search page, checked below with a query.
    const top = pages.filter((p) => !p.includes('/') && p !== 'search.html');
    expect(top).toContain('sources.html');
    const rels = [...top, ...articles, 'tags/index.html', tags[0]!].map((p) => p.split('/').map(encodeURIComponent).join('/'));
    const found: string[] = [];
    for (const rel of rels) found.push(...(await checkPage(sampleSite, rel)));
    found.push(...(await checkPage(sampleSite, 'search.html', (page) => search(page, '活字'))));
    expect(found).toEqual([]);
    // A dozen pages in two colour schemes, each checked by axe: minutes on a busy machine.
  }, 600_000);
});

describe('the dev server', () => {
  /** axe's findings on a page of the dev server once its badge is connected (and, with `panel`, its warnings shown). */
  async function checkDevPage(p: string, options: { print?: boolean; panel?: boolean } = {}): Promise<string[]> {
    const found: string[] = [];
    for (const scheme of SCHEMES) {
      const page = await open(new URL(p, dev.url).href, scheme);
      try {
        if (options.print) await page.waitForFunction(() => (window as unknown as { __anthologyPrint?: { done: boolean } }).__anthologyPrint?.done, { timeout: 60_000 });
        await page.waitForFunction(() => ['ok', 'warn'].includes(document.querySelector('anthology-dev')?.getAttribute('data-state') ?? ''), { timeout: 15_000 });
        if (options.panel) {
          await page.evaluate(() => (document.querySelector('anthology-dev')!.shadowRoot!.querySelector('button.status') as HTMLButtonElement).click());
          await page.waitForFunction(() => !(document.querySelector('anthology-dev')!.shadowRoot!.querySelector('.panel') as HTMLElement).hidden);
        }
        found.push(...(await axe(page, `dev ${p} (${scheme})`)));
      } finally {
        await page.close();
      }
    }
    return found;
  }

  it('adds a badge that axe finds nothing wrong with, closed and with the warnings open', async () => {
    expect(dev.last).toMatchObject({ ok: true, warnings: [expect.objectContaining({ rule: 'link-missing' })] });
    expect(await checkDevPage('/')).toEqual([]);
    expect(await checkDevPage(DEV_PAGES['article.html'], { panel: true })).toEqual([]);
  });

  it('shows print previews that axe finds nothing wrong with, of an article and of the book', async () => {
    expect(await checkDevPage(DEV_PAGES['print-article.html'], { print: true })).toEqual([]);
    expect(await checkDevPage(DEV_PAGES['print-book.html'], { print: true })).toEqual([]);
  });
});

describe('the Nu Html Checker', () => {
  it('finds no error in any page of the fixture, of the sample book, or of the dev server', async () => {
    expect(await vnu).toEqual([]);
  });
});
