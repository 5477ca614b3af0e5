/**
 * Local files that articles use: resolved strictly inside the articles folder
 * (symbolic links included), hashed, and given content-hashed output names.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../paths.ts';
import type { Asset } from '../types.ts';
import { type Inspection, inspectImage } from './inspect.ts';
import { cleanSvg } from './svg.ts';

export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.avif': 'image/avif',
};

export type Resolution =
  | { ok: true; file: string }
  | { ok: false; reason: 'outside' | 'missing' | 'not-a-file' | 'unsupported'; file: string };

/**
 * Resolves a reference written in an article (already URL-decoded) to a file
 * inside `root`. Absolute paths, `..` escapes and symbolic links that lead
 * outside are refused before anything is read.
 */
export async function resolveLocal(root: string, fromFile: string, ref: string): Promise<Resolution> {
  const file = path.resolve(path.dirname(fromFile), ref);
  if (path.isAbsolute(ref) || !isInside(root, file)) return { ok: false, reason: 'outside', file };
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { ok: false, reason: 'missing', file };
  }
  if (!isInside(await realpath(root), real)) return { ok: false, reason: 'outside', file };
  if (!(await stat(real)).isFile()) return { ok: false, reason: 'not-a-file', file };
  return { ok: true, file: real };
}

/**
 * Reads, checks and hashes an asset. SVG images are cleaned here, once, so
 * no output can carry a script or an outside reference (see svg.ts); what
 * was removed comes back for a warning. Malformed SVG throws. Every image
 * is inspected (inspect.ts): an empty or undecodable file, or a
 * decompression bomb, comes back in `inspection`.
 */
export interface HashedAsset {
  asset: Asset;
  /** What was removed from an SVG image. */
  removed: string[];
  inspection: Inspection;
}

export async function hashAsset(file: string): Promise<HashedAsset> {
  let bytes: Buffer = await readFile(file);
  const ext = path.extname(file).toLowerCase();
  let removed: string[] = [];
  let content: Buffer | undefined;
  const inspection = await inspectImage(bytes, MEDIA_TYPES[ext] ?? 'application/octet-stream');
  if (ext === '.svg' && inspection.ok) {
    const cleaned = cleanSvg(bytes.toString('utf8'));
    removed = cleaned.removed;
    content = Buffer.from(cleaned.svg);
    bytes = content;
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const asset: Asset = {
    source: file,
    name: assetName(path.basename(file, path.extname(file)), hash, ext, 'file'),
    mediaType: MEDIA_TYPES[ext] ?? 'application/octet-stream',
    hash,
    ...(content ? { content } : {}),
    ...(inspection.ok && inspection.facts ? { width: inspection.facts.width, height: inspection.facts.height } : {}),
  };
  return { asset, removed, inspection };
}

/** `images/<stem>-<hash>.<ext>`: readable, content-hashed, safe in every output's file names. */
export function assetName(stem: string, hash: string, ext: string, fallback: string): string {
  const clean = stem.normalize('NFC').replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 48) || fallback;
  return `images/${clean}-${hash.slice(0, 10)}${ext}`;
}

/** The bytes an output writes for an asset: the cleaned content, else the file. */
export async function assetBytes(asset: Asset): Promise<Buffer> {
  return asset.content ?? readFile(asset.source);
}
