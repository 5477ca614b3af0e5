/**
 * Serving the built site from its folder: only files below it, never a
 * listing, with the right content type.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../paths.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
  // Pagefind's index: fragments, metadata and its WebAssembly, all fetched and decompressed by pagefind.js.
  '.pagefind': 'application/octet-stream',
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
};

export function contentType(file: string): string {
  if (path.basename(file) === 'feed.xml') return 'application/atom+xml; charset=utf-8';
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function isHtmlType(type: string): boolean {
  return type.startsWith('text/html');
}

export type Resolved =
  | { kind: 'file'; file: string; size: number; mtimeMs: number }
  /** A folder asked for without its trailing slash: redirect, so that relative links work. */
  | { kind: 'redirect'; location: string }
  | { kind: 'missing' }
  /** Outside the folder, or a path that cannot be one (`..`, NUL, bad escapes). */
  | { kind: 'forbidden' };

/**
 * The file of the site folder `root` that the URL path `pathname` names:
 * `/` and folders mean their `index.html`; no `..` segment, no NUL, no
 * backslash, nothing that leaves the folder through a symbolic link.
 */
export async function resolveSitePath(root: string, pathname: string): Promise<Resolved> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'forbidden' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return { kind: 'forbidden' };
  let file = path.join(root, ...segments);
  if (!isInside(root, file)) return { kind: 'forbidden' };

  let info;
  try {
    info = await stat(file);
  } catch {
    return { kind: 'missing' };
  }
  if (info.isDirectory()) {
    if (!decoded.endsWith('/')) return { kind: 'redirect', location: encodePath(decoded) + '/' };
    file = path.join(file, 'index.html');
    try {
      info = await stat(file);
    } catch {
      return { kind: 'missing' };
    }
  }
  if (!info.isFile()) return { kind: 'missing' };
  // A symbolic link out of the folder is not served.
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!isInside(realRoot, realFile)) return { kind: 'forbidden' };
  } catch {
    return { kind: 'missing' };
  }
  return { kind: 'file', file, size: info.size, mtimeMs: info.mtimeMs };
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

