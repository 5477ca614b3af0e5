import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.ts';
import { FIXTURES } from './helpers/build.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8cf00000301010027180d3a0000000049454e44ae426082', 'hex');
let server: Server;
let requests: string[] = [];
let root: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    switch (req.url) {
      case '/ok.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      case '/fake.png':
        return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
      case '/big.png':
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        return res.end(Buffer.alloc(64 * 1024));
      case '/slow.png':
        return; // never answers
      case '/page.html':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
      case '/redirect':
        return res.writeHead(302, { location: '/ok.png' }).end();
      case '/evil.svg':
        return res
          .writeHead(200, { 'content-type': 'image/svg+xml' })
          .end('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10"/></svg>');
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  root = await mkdtemp(path.join(os.tmpdir(), 'anthology-fetch-'));
  await cp(path.join(FIXTURES, 'remote-images'), path.join(root, 'book'), { recursive: true });
  const article = path.join(root, 'book/articles/photos.md');
  await writeFile(article, (await readFile(article, 'utf8')).replaceAll('PORT', String(port)));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

const run = (out: string, fetchImages?: BuildOptions['fetchImages']) =>
  build({ cwd: path.join(root, 'book'), out: path.join(root, out), formats: ['html'], fetchImages });

describe('remote images', () => {
  it('are never requested by default', async () => {
    requests = [];
    const result = await run('plain');
    expect(result.ok).toBe(true);
    expect(requests).toEqual([]);
    expect(await readdir(path.join(root, 'plain/images'))).toEqual([]);
  });

  it('from this machine or a private network are refused even with --fetch-images', async () => {
    requests = [];
    const result = await run('private', { cacheDir: path.join(root, 'cache-private') });
    expect(result.ok).toBe(true);
    expect(requests).toEqual([]);
    const warnings = result.diagnostics.warnings.filter((d) => d.rule === 'image-fetch');
    expect(warnings).toHaveLength(7);
    expect(warnings[0]!.message).toMatch(/127\.0\.0\.1 is a local or private address \(127\.0\.0\.1\); pass --fetch-private-images to allow it/);
  });

  it('are downloaded with a timeout, a size limit and checked types, cleaned, and cached', async () => {
    requests = [];
    const cacheDir = path.join(root, 'cache');
    const options = { cacheDir, allowPrivate: true, timeoutMs: 1500, maxBytes: 32 * 1024 };
    const result = await run('fetched', options);
    expect(result.ok).toBe(true);
    const why = Object.fromEntries(result.diagnostics.warnings.filter((d) => d.rule === 'image-fetch').map((d) => [d.message.split(' ')[3]!.replace(/:$/, ''), d.message.replace(/^.*?: /, '')]));
    expect(Object.keys(why).map((u) => u.replace(/^.*\//, '')).sort()).toEqual(['big.png', 'fake.png', 'page.html', 'slow.png']);
    expect(Object.values(why).sort()).toEqual([
      'larger than the limit of 32768 bytes; a placeholder is shown instead',
      'no answer within 1.5 s; a placeholder is shown instead',
      'not an image type the outputs accept (text/html); expected image/png, image/jpeg, image/gif, image/webp, image/avif, image/svg+xml; a placeholder is shown instead',
      'the content is not an image of type image/png; a placeholder is shown instead',
    ]);
    const images = await readdir(path.join(root, 'fetched/images'));
    expect(images.filter((n) => n.endsWith('.png'))).toHaveLength(1); // ok.png and the redirect to it are one image
    const svg = images.find((n) => n.endsWith('.svg'))!;
    expect(await readFile(path.join(root, 'fetched/images', svg), 'utf8')).not.toMatch(/onload|script/);
    const page = await readFile(path.join(root, 'fetched/articles/photos.html'), 'utf8');
    expect(page).toMatch(/<img src="\.\.\/images\/ok-[0-9a-f]{10}\.png" alt="一张照片"/);
    expect(page).toContain('结尾的文字。');

    const before = requests.length;
    const again = await run('fetched-again', options);
    expect(again.ok).toBe(true);
    // Only the failures are asked for again; every image that arrived comes from the cache.
    expect(requests.slice(before).sort()).toEqual(['/big.png', '/fake.png', '/page.html', '/slow.png']);
  });
});
