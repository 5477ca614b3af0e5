/**
 * `anthology check-sources` against a local server started here: every kind
 * of answer (200, a redirect, 404, 410, another status, HEAD refused), a
 * route that never answers (the timeout), a port that refuses connections,
 * and the cap on addresses asked at once.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckSources } from '../src/check-sources/cli.ts';
import { checkSource, checkSources } from '../src/check-sources/index.ts';
import { capture } from './helpers/io.ts';

let server: http.Server;
let base: string;
let refused: string;
let tmp: string;
/** Method and path of every request the server got. */
const requests: string[] = [];
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(`${req.method} ${url}`);
    if (url === '/ok') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>here</p>');
    if (url === '/old') return void res.writeHead(301, { location: '/new' }).end();
    if (url === '/new') return void res.writeHead(200).end('moved here');
    if (url === '/hop') return void res.writeHead(302, { location: `${base}/old` }).end();
    if (url === '/404') return void res.writeHead(404).end('not found');
    if (url === '/410') return void res.writeHead(410).end('gone');
    if (url === '/moved-away') return void res.writeHead(308, { location: '/404' }).end();
    if (url === '/503') return void res.writeHead(503).end();
    if (url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (url === '/no-head') return void res.writeHead(req.method === 'HEAD' ? 405 : 200).end();
    if (url === '/hang') return; // Never answers.
    if (url.startsWith('/slow/')) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Held long enough for any other request that is allowed to start to arrive.
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 30);
      return;
    }
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nobody listens on: one that was just closed.
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/page`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-check-sources-'));
  const articles = path.join(tmp, 'articles');
  await mkdir(path.join(articles, 'part'), { recursive: true });
  const article = (name: string, source: string | undefined, extra = '') =>
    writeFile(path.join(articles, name), `---\ntitle: ${name}\n${extra}${source ? `source: ${source}\n` : ''}lang: zh-CN\n---\n\n正文。\n`);
  await article('a-ok.md', `${base}/ok`);
  await article('b-moved.md', `${base}/old`, 'author: 甲\ndate: 2024-01-01\n');
  await article('c-404.md', `${base}/404`);
  await article('d-410.md', `${base}/410`);
  await article('e-hang.md', `${base}/hang`);
  await article('f-refused.md', refused);
  await article('g-no-source.md', undefined);
  await article('h-same.md', `${base}/ok`);
  await article('part/i-503.md', `${base}/503`);
  await article('part/j-no-head.md', `${base}/no-head`);
  await writeFile(path.join(articles, 'k-broken.md'), `---\ntitle: broken\nsource: not a url\n---\n\n正文。\n`);
  // Never read: names that start with "_" are not articles.
  await mkdir(path.join(articles, '_originals'));
  await writeFile(path.join(articles, '_originals', 'x.md'), `---\nsource: ${base}/should-not-be-asked\n---\n`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});


describe('checking one address', () => {
  it('says ok for a 200 and asks with HEAD only', async () => {
    requests.length = 0;
    expect(await checkSource(`${base}/ok`, { timeoutMs: 2000 })).toMatchObject({ status: 'ok', code: 200, redirects: [], method: 'HEAD' });
    expect(requests).toEqual(['HEAD /ok']);
  });

  it('follows redirects one by one and says where the page is now', async () => {
    const r = await checkSource(`${base}/hop`, { timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 'moved', code: 200, location: `${base}/new`, redirects: [{ code: 302, location: `${base}/old` }, { code: 301, location: `${base}/new` }] });
  });

  it('says gone for 404 and 410, also at the end of a redirect', async () => {
    expect(await checkSource(`${base}/404`, { timeoutMs: 2000 })).toMatchObject({ status: 'gone', code: 404 });
    expect(await checkSource(`${base}/410`, { timeoutMs: 2000 })).toMatchObject({ status: 'gone', code: 410 });
    expect(await checkSource(`${base}/moved-away`, { timeoutMs: 2000 })).toMatchObject({ status: 'gone', code: 404, location: `${base}/404` });
  });

  it('asks again with GET when the server refuses HEAD', async () => {
    requests.length = 0;
    expect(await checkSource(`${base}/no-head`, { timeoutMs: 2000 })).toMatchObject({ status: 'ok', code: 200, method: 'GET' });
    expect(requests).toEqual(['HEAD /no-head', 'GET /no-head']);
  });

  it('stops a redirect loop', async () => {
    const r = await checkSource(`${base}/loop`, { timeoutMs: 2000, maxRedirects: 3 });
    expect(r).toMatchObject({ status: 'other', code: 302, message: 'more than 3 redirects' });
    expect(r.redirects).toHaveLength(4);
  });

  it('gives up on a server that never answers, at the timeout', async () => {
    const r = await checkSource(`${base}/hang`, { timeoutMs: 300 });
    expect(r).toMatchObject({ status: 'no-answer', message: 'no answer within 0.3 s' });
    expect(r.ms).toBeGreaterThanOrEqual(290);
    expect(r.ms).toBeLessThan(3000);
  });

  it('says so when the connection is refused or the host does not exist', async () => {
    expect(await checkSource(refused, { timeoutMs: 2000 })).toMatchObject({ status: 'no-answer', message: 'connection refused' });
    // No name lookups in tests: a fetch that fails the way Node's does for an unknown host.
    const unknownHost = (() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }) }))) as typeof fetch;
    expect(await checkSource('http://x.invalid/page', { timeoutMs: 2000, fetch: unknownHost })).toMatchObject({ status: 'no-answer', message: 'no such host' });
  });
});

describe('anthology check-sources', () => {
  it('reports every source with its article and line, each address asked once, and exits 1 when some are gone', async () => {
    requests.length = 0;
    const io = capture();
    const code = await runCheckSources(['--timeout', '0.5'], io, tmp);
    expect(code).toBe(1);
    expect(io.out.split('\n').filter(Boolean)).toEqual([
      `articles/a-ok.md:3: ok ${base}/ok (200)`,
      `articles/b-moved.md:5: moved ${base}/old → ${base}/new (301, then 200)`,
      `articles/c-404.md:3: gone ${base}/404 (404)`,
      `articles/d-410.md:3: gone ${base}/410 (410)`,
      `articles/e-hang.md:3: no answer ${base}/hang (no answer within 0.5 s)`,
      `articles/f-refused.md:3: no answer ${refused} (connection refused)`,
      `articles/h-same.md:3: ok ${base}/ok (200)`,
      `articles/part/i-503.md:3: status 503 ${base}/503`,
      `articles/part/j-no-head.md:3: ok ${base}/no-head (200, GET)`,
    ]);
    // The same address in two articles is asked once; files under "_" are not read.
    expect(requests.filter((r) => r === 'HEAD /ok')).toHaveLength(1);
    expect(requests.some((r) => r.includes('should-not-be-asked'))).toBe(false);
    expect(io.err).toContain('articles/k-broken.md:3: warning front matter has errors, its source is not checked');
    expect(io.err).toMatch(/anthology check-sources: 9 sources \(8 addresses\) in 11 articles: 3 ok, 1 moved, 2 gone, 1 other, 2 no answer in [\d.]+ s\n$/);
  });

  it('writes JSON with --json', async () => {
    const io = capture();
    expect(await runCheckSources(['--json', '--timeout', '0.5', '--articles', 'articles'], io, tmp)).toBe(1);
    const json = JSON.parse(io.out) as { counts: Record<string, number>; results: { file: string; line: number; url: string; status: string; code?: number; location?: string }[] };
    expect(json.counts).toEqual({ ok: 3, moved: 1, gone: 2, other: 1, 'no-answer': 2 });
    expect(json.results.find((r) => r.file === 'articles/b-moved.md')).toMatchObject({ line: 5, url: `${base}/old`, status: 'moved', code: 200, location: `${base}/new` });
  });

  it('exits 0 when nothing is gone, even with moved pages', async () => {
    const dir = await mkdtemp(path.join(tmp, 'fine-'));
    await mkdir(path.join(dir, 'articles'));
    await writeFile(path.join(dir, 'articles', 'one.md'), `---\ntitle: one\nsource: ${base}/old\n---\n\nText.\n`);
    const io = capture();
    expect(await runCheckSources([], io, dir)).toBe(0);
    expect(io.err).toMatch(/1 source \(1 address\) in 1 article: 0 ok, 1 moved, 0 gone/);
  });

  it('never asks more addresses at once than --concurrency', async () => {
    const dir = await mkdtemp(path.join(tmp, 'many-'));
    for (let i = 0; i < 12; i++) await writeFile(path.join(dir, `a${i}.md`), `---\ntitle: a${i}\nsource: ${base}/slow/${i}\n---\n\nText.\n`);
    for (const n of [3, 1]) {
      maxInFlight = 0;
      const r = await checkSources({ root: dir, timeoutMs: 5000, concurrency: n });
      expect(r.counts.ok).toBe(12);
      expect(maxInFlight).toBe(n);
    }
  });

  it('exits 2 on usage errors and 0 with --help', async () => {
    let io = capture();
    expect(await runCheckSources(['--timeout', 'soon'], io, tmp)).toBe(2);
    expect(io.err).toContain('--timeout needs a number of seconds');
    io = capture();
    expect(await runCheckSources(['--concurrency', '0'], io, tmp)).toBe(2);
    io = capture();
    expect(await runCheckSources(['--articles', 'nowhere'], io, tmp)).toBe(2);
    expect(io.err).toContain('no articles folder at nowhere');
    io = capture();
    expect(await runCheckSources(['--help'], io, tmp)).toBe(0);
    expect(io.out).toContain('Usage: anthology check-sources');
  });
});
