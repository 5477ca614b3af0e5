/**
 * `anthology dev`, end to end: a real server on a copy of test/fixtures/dev,
 * a real HTTP client (fetch, raw requests, the Server-Sent Events stream),
 * real edits on disk, and headless Chromium for the reload and the print
 * preview.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_ROOT } from '../src/build.ts';
import { runDev } from '../src/dev/cli.ts';
import { expandSelectorLists } from '../src/dev/paged-css.ts';
import { BuildQueue } from '../src/dev/queue.ts';
import { type DevServer, startDevServer } from '../src/dev/server.ts';
import { findBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';
import { expectAllGone } from './helpers/processes.ts';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dev');
const browserPath = (await findBrowser().catch(() => null))?.path;
if (!browserPath) console.warn('dev server browser tests skipped: no Chrome or Chromium was found (npm run setup)');

let dir: string;
let server: DevServer;
let sse: EventStream;

const file = (rel: string) => path.join(dir, rel);
const edit = async (rel: string, change: (text: string) => string) => writeFile(file(rel), change(await readFile(file(rel), 'utf8')));
const get = (p: string) => fetch(new URL(p, server.url));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'anthology-dev-test-'));
  await cp(FIXTURE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.cache`) });
  // The book's own copy of the templates, to break one.
  await cp(path.join(TOOL_ROOT, 'templates'), file('templates'), { recursive: true });
  server = await startDevServer({ cwd: dir, port: 0, debounceMs: 50 });
  await server.ready();
  sse = await openEvents(new URL('/__anthology/events', server.url));
});

afterAll(async () => {
  sse?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dev server', () => {
  it('serves the site on 127.0.0.1, with the reload client in its pages only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.last).toMatchObject({ ok: true, errors: [] });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await index.text();
    expect(html).toContain('The Workshop Book');
    expect(html).toContain('<script src="/__anthology/client.js" data-mode="site" data-print="/__anthology/print/" defer></script>');

    const article = await (await get('/articles/alpha.html')).text();
    expect(article).toContain('Every workshop begins with a bench.');
    expect(article).toContain('data-print="/__anthology/print/alpha"');
    // The built file itself has no trace of the dev server.
    const built = await readFile(path.join(server.outDir, 'articles', 'alpha.html'), 'utf8');
    expect(built).not.toContain('__anthology');

    const client = await get('/__anthology/client.js');
    expect(client.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await client.text()).toContain("new EventSource('/__anthology/events')");
  });

  it('serves each kind of file with its content type, and folders only through index.html', async () => {
    const types: [string, string][] = [
      ['/assets/site.css', 'text/css; charset=utf-8'],
      ['/feed.xml', 'application/atom+xml; charset=utf-8'],
      ['/tags/', 'text/html; charset=utf-8'],
    ];
    const built = await readFile(path.join(server.outDir, 'articles', 'alpha.html'), 'utf8');
    const image = /src="\.\.\/(images\/[^"]+\.png)"/.exec(built)![1]!;
    types.push([`/${image}`, 'image/png']);
    const font = /url\("?fonts\/([^")]+\.woff2)/.exec(await readFile(path.join(server.outDir, 'assets', 'site.css'), 'utf8'))![1]!;
    types.push([`/assets/fonts/${font}`, 'font/woff2']);
    if (existsSync(path.join(server.outDir, 'pagefind', 'pagefind.js'))) types.push(['/pagefind/pagefind.js', 'text/javascript; charset=utf-8']);
    for (const [p, type] of types) {
      const res = await get(p);
      expect([p, res.status, res.headers.get('content-type')]).toEqual([p, 200, type]);
      await res.arrayBuffer();
    }
    // A folder without its slash is redirected (relative links), one without index.html is not listed.
    expect(await raw('/tags')).toMatchObject({ status: 301, headers: { location: '/tags/' } });
    expect((await raw('/assets/')).status).toBe(404);
    expect((await raw('/nothing-here.html')).status).toBe(404);
    const head = await raw('/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await raw('/index.html', { method: 'POST' })).status).toBe(405);
  });

  it('serves nothing outside the output folder', async () => {
    for (const p of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/assets/..%2f..%2fsite', '/%00', '/%E0%A4%A']) {
      const res = await raw(p);
      expect([p, res.status]).toEqual([p, 403]);
      expect(res.body).not.toContain('root:');
    }
    // Plain `..` segments (and backslashes) are resolved by the URL rules: they end at the root of the site.
    for (const p of ['/../../../../etc/passwd', '/..\\..\\etc\\passwd']) {
      const res = await raw(p);
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.body).not.toContain('root:');
    }
    // A symbolic link in the output that points out is not followed.
    await symlink('/etc/passwd', path.join(server.outDir, 'leak.txt'));
    expect((await raw('/leak.txt')).status).toBe(403);
    // Requests must name this machine (a page of another site that resolves its name here cannot read it).
    expect((await raw('/', { headers: { host: 'attacker.example:80' } })).status).toBe(403);
    expect((await raw('/', { headers: { host: 'localhost' } })).status).toBe(200);
  });

  it('rebuilds the changed article when it is saved and tells the pages to reload', async () => {
    const mark = sse.events.length;
    const built = server.nextBuild();
    await edit('articles/alpha.md', (t) => t.replace('Every workshop begins with a bench.', 'Every workshop begins with a door on two trestles.'));
    const event = await sse.waitFor('reload', mark);
    expect(JSON.parse(event.data)).toMatchObject({ build: expect.any(Number) });
    const report = await built;
    expect(report).toMatchObject({ ok: true, reloaded: true, articles: { processed: 1, cached: 1, total: 2 } });
    expect(report.changed).toContain(file('articles/alpha.md'));
    const html = await (await get('/articles/alpha.html')).text();
    expect(html).toContain('Every workshop begins with a door on two trestles.');
    // Saved the way many editors save: a new file renamed over the old one.
    const mark2 = sse.events.length;
    await writeFile(file('articles/.alpha.md.tmp'), (await readFile(file('articles/alpha.md'), 'utf8')).replace('door on two trestles', 'door on three trestles'));
    await rename(file('articles/.alpha.md.tmp'), file('articles/alpha.md'));
    await sse.waitFor('reload', mark2);
    expect(await (await get('/articles/alpha.html')).text()).toContain('door on three trestles');
  });

  it('does not reload the pages when nothing that they show changed', async () => {
    const mark = sse.events.length;
    const built = server.nextBuild();
    await edit('book.config.yaml', (t) => t + '\n# a comment\n');
    expect(await built).toMatchObject({ ok: true, upToDate: true, reloaded: false });
    expect(sse.events.slice(mark).map((e) => e.event)).not.toContain('reload');
  });

  it('shows a broken article as an error page with file:line:column, and recovers when it is fixed', async () => {
    const before = await readFile(file('articles/binding.md'), 'utf8');
    const mark = sse.events.length;
    await edit('articles/binding.md', (t) => t.replace('date: 2025-02-14', 'date: 2025-02-31'));
    await sse.waitFor('reload', mark);
    expect(server.state).toBe('error');
    for (const p of ['/articles/binding.html', '/articles/alpha.html', '/', '/__anthology/print/alpha']) {
      const res = await get(p);
      expect([p, res.status]).toEqual([p, 500]);
      const page = await res.text();
      expect(page).toContain('articles/binding.md:4:7');
      expect(page).toContain('is not a real date');
      expect(page).toContain('front-matter-invalid');
      // The lines around it, the place marked.
      expect(page).toMatch(/<span class="ln">4<\/span>date: <mark>2<\/mark>025-02-31/);
      expect(page).toContain('data-mode="error"');
    }
    const status = await (await get('/__anthology/status')).json();
    expect(status).toMatchObject({ state: 'error', errors: 1 });

    // Unreadable YAML: the same, at its place.
    const mark2 = sse.events.length;
    await edit('articles/binding.md', (t) => t.replace('tags: [craft, binding]', 'tags: [craft, binding'));
    await sse.waitFor('reload', mark2);
    expect(await (await get('/articles/binding.html')).text()).toMatch(/articles\/binding\.md:\d+:\d+/);

    const mark3 = sse.events.length;
    await writeFile(file('articles/binding.md'), before);
    await sse.waitFor('reload', mark3);
    expect(server.state).toBe('ok');
    const res = await get('/articles/binding.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Notes on Binding');
  });

  it('shows a template error with its place, and recovers', async () => {
    const tpl = 'templates/site/article.liquid';
    const before = await readFile(file(tpl), 'utf8');
    const lines = before.split('\n');
    const line = lines.findIndex((l) => l.includes('{{ article.title }}</h1>')) + 1;
    const column = lines[line - 1]!.indexOf('{{ article.title }}') + 1;
    const mark = sse.events.length;
    await writeFile(file(tpl), before.replace('{{ article.title }}</h1>', '{{ article.title | no_such_filter }}</h1>'));
    await sse.waitFor('reload', mark);
    const page = await (await get('/articles/alpha.html')).text();
    expect(page).toContain(`templates/site/article.liquid:${line}:${column}`);
    expect(page).toContain('undefined filter: no_such_filter');
    const mark2 = sse.events.length;
    await writeFile(file(tpl), before);
    await sse.waitFor('reload', mark2);
    expect((await get('/articles/alpha.html')).status).toBe(200);
  });

  it('serves the print preview with Paged.js from its package and the print stylesheet', async () => {
    const page = await (await get('/__anthology/print/alpha')).text();
    expect(page).toContain('<script src="/__anthology/paged.polyfill.js"></script>');
    expect(page).toContain('@page');
    expect(page).not.toMatch(/https?:\/\/(?!ref\.anthology\.invalid)[a-z]/i);
    const paged = await get('/__anthology/paged.polyfill.js');
    expect(paged.status).toBe(200);
    expect(await paged.text()).toContain('Previewer');
    const css = await (await get('/__anthology/print/style.css')).text();
    expect(css).toContain('.opening-title');
    expect(css).toContain('/__anthology/print-files/fonts/');
    expect(css).not.toContain('anthology.invalid');
    expect((await get('/__anthology/print/no-such-article')).status).toBe(404);
  });
});

describe.skipIf(!browserPath)('the dev server in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({ executablePath: browserPath! });
  });
  afterAll(async () => {
    if (browser) await closeBrowser(browser);
  });

  it('reloads an open page by itself when its article changes', async () => {
    const page = await browser.newPage();
    await page.goto(new URL('/articles/binding.html', server.url).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('anthology-dev')?.getAttribute('data-state') === 'ok', { timeout: 60_000 });
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await edit('articles/binding.md', (t) => t.replace('Binding is patience.', 'Binding is mostly patience.'));
    await page.waitForFunction(() => document.body.innerText.includes('Binding is mostly patience.'), { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBeUndefined();
    // The badge links to the article's print preview (the deferred client adds it once the page is parsed).
    await page.waitForSelector('anthology-dev');
    const href = await page.evaluate(() => document.querySelector('anthology-dev')!.shadowRoot!.querySelector('a.print')!.getAttribute('href'));
    expect(href).toBe('/__anthology/print/binding');
    await page.close();
  });

  it('lays out an article in pages with running heads and page numbers', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push((e as Error).message));
    await page.goto(new URL('/__anthology/print/alpha', server.url).href, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __anthologyPrint?: { done: boolean } }).__anthologyPrint?.done, { timeout: 60_000 });
    const result = await page.evaluate(() => {
      const pages = Array.from(document.querySelectorAll('.pagedjs_page'));
      const margin = (p: Element, box: string) => {
        const el = p.querySelector(`.pagedjs_margin-${box} .pagedjs_margin-content`);
        return el ? getComputedStyle(el, '::after').content : null;
      };
      const visible = (p: Element, box: string) => getComputedStyle(p.querySelector(`.pagedjs_margin-${box}`)!).visibility;
      return {
        state: (window as unknown as { __anthologyPrint: object }).__anthologyPrint,
        count: pages.length,
        size: [Math.round(pages[0]!.getBoundingClientRect().width), Math.round(pages[0]!.getBoundingClientRect().height)],
        heads: pages.slice(0, 3).map((p) => margin(p, 'top-center')),
        headVisible: pages.slice(0, 2).map((p) => visible(p, 'top-center')),
        folioVisible: pages.slice(0, 2).map((p) => visible(p, 'bottom-center')),
        folio: pages[1] ? margin(pages[1], 'bottom-center') : null,
        title: document.querySelector('.pagedjs_page .opening-title')?.textContent,
        label: document.querySelector('.preview-count')?.textContent,
      };
    });
    expect(errors).toEqual([]);
    expect(result.state).toMatchObject({ done: true });
    expect(result.count).toBeGreaterThanOrEqual(3);
    // A5 at 96 px to the inch (the zoom may scale it down to fit).
    expect(result.size[1]! / result.size[0]!).toBeCloseTo(210 / 148, 2);
    expect(result.title).toBe('Setting Type by Hand');
    // Left pages carry the book's title, right pages the article's; none on the first page.
    expect(result.heads[1]).toBe('"The Workshop Book"');
    expect(result.heads[2]).toBe('"Setting Type by Hand"');
    expect(result.headVisible).toEqual(['hidden', 'visible']);
    expect(result.folioVisible).toEqual(['hidden', 'visible']);
    expect(result.folio).toMatch(/counter\(page\)|"2"/);
    expect(result.label).toMatch(/^\d+ pages · [\d.]+ s$/);
    await page.close();
  });

  it('lays out the book: front matter, contents with page numbers, articles on right-hand pages', async () => {
    const page = await browser.newPage();
    await page.goto(new URL('/__anthology/print/', server.url).href, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __anthologyPrint?: { done: boolean } }).__anthologyPrint?.done, { timeout: 60_000 });
    const result = await page.evaluate(() => ({
      pages: document.querySelectorAll('.pagedjs_page').length,
      cover: document.querySelector('.pagedjs_page .cover-title')?.textContent,
      contents: Array.from(document.querySelectorAll('.pagedjs_page .toc-page')).map((e) => e.textContent),
      starts: Array.from(document.querySelectorAll('.preview-part[id]')).map((e) => {
        const p = e.closest('.pagedjs_page') as HTMLElement;
        return { page: p.dataset.pageNumber, right: p.classList.contains('pagedjs_right_page') };
      }),
      rightHead: Array.from(document.querySelectorAll('.pagedjs_right_page:not(.preview-opening-page):not(.preview-front-page) .pagedjs_margin-top-center .pagedjs_margin-content')).map((e) => getComputedStyle(e, '::after').content).find((c) => c && c !== 'none'),
    }));
    expect(result.cover).toBe('The Workshop Book');
    expect(result.starts).toHaveLength(2);
    expect(result.starts.every((s) => s.right)).toBe(true);
    // The contents name the pages the articles start on.
    expect(result.contents).toEqual(result.starts.map((s) => s.page));
    expect(result.pages).toBeGreaterThanOrEqual(Number(result.starts[1]!.page));
    expect(result.rightHead).toBeTruthy();
    await page.close();
  });
});

describe('stopping', () => {
  it('closes the event streams and the port, and removes the output folder', async () => {
    const other = await startDevServer({ cwd: dir, port: 0, cache: false });
    await other.ready();
    const events = await openEvents(new URL('/__anthology/events', other.url));
    const outDir = other.outDir;
    expect(existsSync(outDir)).toBe(true);
    await other.close();
    await events.ended;
    expect(existsSync(path.dirname(outDir))).toBe(false);
    await expect(fetch(other.url)).rejects.toThrow();
  });

  it('takes the next port when the default one is taken', async () => {
    const first = await startDevServer({ cwd: dir, port: server.port, strictPort: false, cache: false });
    try {
      expect(first.port).toBeGreaterThan(server.port);
    } finally {
      await first.close();
    }
    await expect(startDevServer({ cwd: dir, port: server.port, cache: false })).rejects.toThrow(/Port \d+ is in use/);
  });

  it('anthology dev: prints the address, stops on Ctrl-C with exit code 0 and leaves no process behind', async () => {
    const code = `import { runDev } from ${JSON.stringify(path.join(TOOL_ROOT, 'src/dev/cli.ts'))}; process.exitCode = await runDev(process.argv.slice(1));`;
    // tsx as `node --import tsx` finds it from the tool's folder (the book's folder has no node_modules).
    const tsx = pathToFileURL(path.join(TOOL_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', code, '--', '--port', '0', '--no-cache'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const printed = new Set<{ pattern: RegExp; resolve: () => void }>();
    const read = (d: Buffer) => {
      out += d;
      for (const p of printed) if (p.pattern.test(out)) (printed.delete(p), p.resolve());
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    /** Resolves once the output says `pattern` (fails when the process ends first). */
    const says = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(out)) return resolve();
        printed.add({ pattern, resolve });
        void exited.then((c) => reject(new Error(`anthology dev exited (${c}) without printing ${pattern}:\n${out}`)));
      });
    await says(/Ctrl-C stops/);
    expect(out).toMatch(/Site: +http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/Print preview: +http:\/\/127\.0\.0\.1:\d+\/__anthology\/print\//);
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)![0];
    expect((await fetch(url)).status).toBe(200);
    // Stop it in the middle of a rebuild, while the search indexer (a process of its own) runs:
    // watch for the processes it starts until there are some, or the rebuild is over.
    let rebuilt = false;
    void says(/alpha\.md changed/).then(() => (rebuilt = true), () => {});
    await edit('articles/alpha.md', (t) => t + '\nOne more line.\n');
    let children: number[] = [];
    while (children.length === 0 && !rebuilt) {
      children = descendants(child.pid!);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('anthology dev: stopped');
    // Gone, or zombies waiting for init, once they have had the time to exit.
    await expectAllGone(children, 60_000);
  });

  it('anthology dev: usage errors exit with 2', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } } as unknown as Parameters<typeof runDev>[1];
    expect(await runDev(['--port', 'abc'], io)).toBe(2);
    expect(err.join('')).toContain('--port expects a number');
    expect(await runDev(['--nope'], io)).toBe(2);
  });
});

describe('the build queue', () => {
  /** A queue whose builds finish when the test says so. */
  const controlled = () => {
    const builds: { changed: string[]; signal: AbortSignal; finish: (report?: string) => void }[] = [];
    const started: (() => void)[] = [];
    const queue = new BuildQueue<string>((changed, signal) =>
      new Promise((resolve) => {
        builds.push({ changed, signal, finish: resolve });
        for (const s of started.splice(0)) s();
      }),
    );
    const nextStart = () => new Promise<void>((resolve) => started.push(resolve));
    return { queue, builds, nextStart };
  };

  it('runs one build at a time and gathers the saves made meanwhile into one more', async () => {
    const { queue, builds, nextStart } = controlled();
    const first = queue.first();
    queue.schedule();
    expect(builds).toHaveLength(1);
    const second = nextStart();
    queue.schedule(['a.md']);
    queue.schedule(['b.md', 'a.md']);
    expect(builds).toHaveLength(1);
    const next = queue.next();
    builds[0]!.finish('one');
    expect(await first).toBe('one');
    expect(await next).toBe('one');
    await second;
    expect(builds.map((b) => b.changed)).toEqual([[], ['a.md', 'b.md']]);
    const idle = queue.idle()!;
    builds[1]!.finish('two');
    await idle;
    expect(queue.idle()).toBeUndefined();
    expect(await queue.first()).toBe('one');
  });

  it('interrupts the running build on close and schedules no more', async () => {
    const { queue, builds } = controlled();
    queue.schedule();
    const closed = queue.close();
    expect(builds[0]!.signal.aborted).toBe(true);
    queue.schedule(['a.md']);
    builds[0]!.finish(undefined);
    await closed;
    expect(builds).toHaveLength(1);
    expect(queue.idle()).toBeUndefined();
  });
});

describe('selectors for Paged.js', () => {
  it('writes out the lists inside :is(), :not() and :has()', () => {
    expect(expandSelectorLists('.a :is(h2, h3) + p { x: 1 }')).toBe('.a h2 + p, .a h3 + p { x: 1 }');
    expect(expandSelectorLists('.a:not(:lang(zh), :lang(ja)) p, .b { x: 1 }')).toBe('.a:not(:lang(zh)):not(:lang(ja)) p, .b { x: 1 }');
    expect(expandSelectorLists('p:has(> :is(img, .r):only-child) { x: 1 }')).toBe('p:has(> img:only-child), p:has(> .r:only-child) { x: 1 }');
    expect(expandSelectorLists('@media print { a:is([href^="a,b"], .c) { content: "{,}" } }')).toBe('@media print { a:is([href^="a,b"]), a:is(.c) { content: "{,}" } }');
    expect(expandSelectorLists('/* :is(a, b) { */ @page :left { @top-center { content: "a, b"; } }')).toBe('/* :is(a, b) { */ @page :left { @top-center { content: "a, b"; } }');
  });
});

// ---- Helpers -------------------------------------------------------------------

interface ServerEvent {
  event: string;
  data: string;
}

interface EventStream {
  events: ServerEvent[];
  /** The first event of this name from index `from` on. */
  waitFor(event: string, from: number, timeoutMs?: number): Promise<ServerEvent>;
  ended: Promise<void>;
  close(): void;
}

/** Reads a Server-Sent Events stream with a plain HTTP request. */
function openEvents(url: URL): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const events: ServerEvent[] = [];
    const listeners = new Set<() => void>();
    let buffer = '';
    let endResolve!: () => void;
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = http.get(url, (res) => {
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) return reject(new Error(`events: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at;
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
          if (event) events.push({ event, data });
          for (const l of listeners) l();
        }
      });
      res.on('end', endResolve);
      res.on('close', endResolve);
      resolve({
        events,
        ended,
        close: () => req.destroy(),
        waitFor(event, from, timeoutMs = 60_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.slice(from).find((e) => e.event === event);
              if (!found) return false;
              listeners.delete(check);
              clearTimeout(timer);
              ok(found);
              return true;
            };
            const timer = setTimeout(() => {
              listeners.delete(check);
              fail(new Error(`no "${event}" event within ${timeoutMs} ms; got ${events.slice(from).map((e) => e.event).join(', ')}`));
            }, timeoutMs);
            if (!check()) listeners.add(check);
          });
        },
      });
    });
    req.on('error', reject);
  });
}

/** A request exactly as written (fetch would normalise the path). */
function raw(p: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: p, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Processes started by `pid`, and theirs (Linux: /proc). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const c of children) out.push(c, ...descendants(c));
  } catch {
    // Not Linux, or gone.
  }
  return out;
}

