/**
 * `--fetch-images`: downloads the remote images of a book, for users who are
 * online and want them in the PDFs and the EPUB. Off by default: a build
 * makes no request it was not asked to make.
 *
 * Each download has a timeout, a size limit and an allowed set of image
 * types (checked against the bytes, not only the server's word); addresses
 * on this machine or a private network are refused unless allowed, so an
 * article cannot make the build read an internal service. Downloads are
 * kept in a cache folder, so a second build asks nothing of the network.
 */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { createLimit } from '../limit.ts';
import { visit } from 'unist-util-visit';
import type { Diagnostics } from '../diagnostics.ts';
import type { Article, Asset, Book } from '../types.ts';
import { assetName } from './files.ts';
import { cleanSvg } from './svg.ts';

export interface FetchImagesOptions {
  cacheDir: string;
  timeoutMs?: number;
  maxBytes?: number;
  concurrency?: number;
  /** Allow loopback, private and link-local addresses (an intranet, tests). */
  allowPrivate?: boolean;
  signal?: AbortSignal;
}

const TYPES: Readonly<Record<string, { ext: string; magic: (b: Buffer) => boolean }>> = {
  'image/png': { ext: '.png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/jpeg': { ext: '.jpg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/gif': { ext: '.gif', magic: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  'image/webp': { ext: '.webp', magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  'image/avif': { ext: '.avif', magic: (b) => b.subarray(4, 12).toString('latin1').startsWith('ftypavi') },
  'image/svg+xml': { ext: '.svg', magic: (b) => /<svg[\s>]/i.test(b.subarray(0, 4096).toString('utf8')) },
};

const PRIVATE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

interface Fetched {
  asset?: Asset;
  error?: string;
  /** The image came from the cache folder, not the network. */
  cached?: boolean;
}

/**
 * Downloads the book's remote images. Returns the book with each downloaded
 * image turned into a local one (in copies of the articles that had any: the
 * loaded trees are never changed) and what happened.
 */
export async function fetchRemoteImages(
  loaded: Book,
  diagnostics: Diagnostics,
  options: FetchImagesOptions,
): Promise<{ book: Book; stats: { fetched: number; failed: number; cached: number } }> {
  const book: Book = { ...loaded, articles: [...loaded.articles], assets: new Map(loaded.assets) };
  const urls = new Map<string, Promise<Fetched>>();
  const limit = createLimit(options.concurrency ?? 6);
  const get = (url: string) => {
    let p = urls.get(url);
    if (!p) {
      p = limit(() => download(url, options));
      urls.set(url, p);
    }
    return p;
  };

  for (const [index, original] of book.articles.entries()) {
    if (!original.remoteImages) continue;
    const article: Article = { ...original, tree: structuredClone(original.tree), assets: [...original.assets] };
    book.articles[index] = article;
    const images: { props: Record<string, unknown>; line?: number; column?: number }[] = [];
    visit(article.tree, 'element', (node) => {
      if (node.tagName === 'img' && typeof node.properties.dataRemoteSrc === 'string') {
        images.push({ props: node.properties, line: node.position?.start.line, column: node.position?.start.column });
      }
    });
    const results = await Promise.all(images.map((img) => get(img.props.dataRemoteSrc as string)));
    for (const [i, result] of results.entries()) {
      const img = images[i]!;
      const url = img.props.dataRemoteSrc as string;
      if (!result.asset) {
        diagnostics.warn('image-fetch', `Cannot download image ${url}: ${result.error}; a placeholder is shown instead`, { file: article.file, line: img.line, column: img.column });
        continue;
      }
      delete img.props.dataRemoteSrc;
      img.props.dataAsset = result.asset.name;
      img.props.src = result.asset.name;
      if (!article.assets.some((a) => a.name === result.asset!.name)) article.assets.push(result.asset);
      book.assets.set(result.asset.name, result.asset);
      article.remoteImages--;
    }
  }
  const stats = { fetched: 0, failed: 0, cached: 0 };
  for (const p of urls.values()) {
    const r = await p;
    if (!r.asset) stats.failed++;
    else if (r.cached) stats.cached++;
    else stats.fetched++;
  }
  return { book, stats };
}

/** Runs at most `n` of the given jobs at once. */
async function download(url: string, options: FetchImagesOptions): Promise<Fetched> {
  const key = createHash('sha256').update(url).digest('hex');
  const metaFile = path.join(options.cacheDir, `${key}.json`);
  try {
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { url: string; type: string };
    const file = path.join(options.cacheDir, key + TYPES[meta.type]!.ext);
    return { asset: toAsset(meta.url, await readFile(file), meta.type, file), cached: true };
  } catch {
    // Not cached yet.
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);
  try {
    let current = new URL(url);
    let response: Response | undefined;
    for (let hop = 0; hop < 4; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') return { error: `unsupported address scheme ${current.protocol}` };
      if (!options.allowPrivate) {
        const refusal = await checkAddress(current.hostname);
        if (refusal) return { error: refusal };
      }
      response = await fetch(current, { redirect: 'manual', signal, headers: { accept: Object.keys(TYPES).join(', ') } });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel();
        current = new URL(response.headers.get('location')!, current);
        continue;
      }
      break;
    }
    if (!response) return { error: 'no response' };
    if (response.status >= 300) {
      await response.body?.cancel();
      return { error: response.status >= 300 && response.status < 400 ? 'too many redirects' : `the server answered ${response.status}` };
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!TYPES[type]) {
      await response.body?.cancel();
      return { error: `not an image type the outputs accept (${type || 'no content type'}); expected ${Object.keys(TYPES).join(', ')}` };
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) {
      await response.body?.cancel();
      return { error: `larger than the limit of ${maxBytes} bytes` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) return { error: `larger than the limit of ${maxBytes} bytes` };
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    if (!TYPES[type]!.magic(bytes)) return { error: `the content is not an image of type ${type}` };
    await mkdir(options.cacheDir, { recursive: true });
    const file = path.join(options.cacheDir, key + TYPES[type]!.ext);
    await writeFile(file + '.tmp', bytes);
    await rename(file + '.tmp', file);
    await writeFile(metaFile, JSON.stringify({ url: current.href, type }));
    return { asset: toAsset(current.href, bytes, type, file) };
  } catch (error) {
    const e = error as Error;
    if (e.name === 'TimeoutError') return { error: `no answer within ${timeoutMs / 1000} s` };
    if (options.signal?.aborted) throw error;
    return { error: (e.cause as Error | undefined)?.message ?? e.message };
  }
}

async function checkAddress(hostname: string): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    return `cannot resolve ${host}`;
  }
  const blocked = addresses.find((a) => PRIVATE.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'));
  return blocked ? `${host} is a local or private address (${blocked.address}); pass --fetch-private-images to allow it` : undefined;
}

function toAsset(url: string, bytes: Buffer, type: string, file: string): Asset {
  let content: Buffer | undefined;
  if (type === 'image/svg+xml') content = Buffer.from(cleanSvg(bytes.toString('utf8')).svg);
  const hash = createHash('sha256').update(content ?? bytes).digest('hex');
  const stem = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').replace(/\.[^.]*$/, '');
  return { source: file, name: assetName(stem, hash, TYPES[type]!.ext, 'image'), mediaType: type, hash, ...(content ? { content } : {}) };
}
