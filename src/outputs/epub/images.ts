/**
 * The EPUB's images: only local files of the articles folder (the Book's
 * assets, SVG already cleaned of scripts and outside references at load),
 * checked by their bytes, under content-hashed ASCII names, with the media
 * type the bytes really have. WebP and AVIF, which EPUB 3.2 reading systems
 * need not show, become PNG (drawn by Chromium). An image that is empty,
 * unreadable or cannot be converted is left out, and its article shows the
 * alt text instead.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { assetBytes } from '../../assets/files.ts';
import { cleanSvg } from '../../assets/svg.ts';
import type { Diagnostics } from '../../diagnostics.ts';
import type { Asset } from '../../types.ts';
import type { EpubBrowser } from './browser.ts';

export interface EpubImage {
  /** Path inside the EPUB's content folder: `images/<stem>-<hash>.<ext>`. */
  href: string;
  mediaType: string;
  bytes: Buffer;
  /** Pixel size, when the format says it cheaply. */
  width?: number;
  height?: number;
}

/** EPUB 3.2 core media types for images, by extension. */
const CORE: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
};

/** The image type of some bytes, from their signature (not the file name). */
export function sniffImage(bytes: Buffer): string | undefined {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return 'image/gif';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp' && /^avi[fs]$/.test(bytes.toString('latin1', 8, 12))) return 'image/avif';
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 4096));
  if (/<svg[\s>]/.test(head) && /^(\uFEFF)?\s*(<\?xml|<!--|<!DOCTYPE|<svg)/i.test(head)) return 'image/svg+xml';
  return undefined;
}

/** Width and height of a PNG, GIF or JPEG, or of an SVG's viewBox. */
export function imageSize(bytes: Buffer, mediaType: string): { width: number; height: number } | undefined {
  try {
    if (mediaType === 'image/png') return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
    if (mediaType === 'image/gif') return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
    if (mediaType === 'image/jpeg') {
      let i = 2;
      while (i + 9 < bytes.length) {
        if (bytes[i] !== 0xff) return undefined;
        const marker = bytes[i + 1]!;
        const length = bytes.readUInt16BE(i + 2);
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
        }
        i += 2 + length;
      }
    }
    if (mediaType === 'image/svg+xml') {
      const box = /viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(bytes.toString('utf8', 0, 4096));
      if (box) return { width: Math.round(Number(box[1])), height: Math.round(Number(box[2])) };
    }
  } catch {
    // A truncated header: no size.
  }
  return undefined;
}

/** `images/活字-图.png` → `images/image-<hash>.png`; ASCII stems are kept. */
function epubName(stem: string, hash: string, ext: string): string {
  const ascii = stem.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `images/${ascii || 'image'}-${hash.slice(0, 10)}.${ext}`;
}

export interface ImageContext {
  diagnostics: Diagnostics;
  browser: EpubBrowser;
}

/**
 * Prepares one image for the EPUB (an article's asset, or the cover file);
 * undefined when it cannot be used, after a warning that names the file.
 */
export async function prepareImage(
  source: string,
  stem: string,
  ctx: ImageContext,
  options: { rule?: string; read?: () => Promise<Buffer> } = {},
): Promise<EpubImage | undefined> {
  const rule = options.rule ?? 'epub-image';
  let bytes: Buffer;
  try {
    bytes = await (options.read ?? (() => readFile(source)))();
  } catch (error) {
    ctx.diagnostics.warn(rule, `Cannot read the image for the EPUB: ${(error as Error).message}; its alt text is shown instead`, { file: source });
    return undefined;
  }
  if (bytes.length === 0) {
    ctx.diagnostics.warn(rule, 'Unexpected empty image file: it is left out of the EPUB and its alt text is shown instead', { file: source });
    return undefined;
  }
  let type = sniffImage(bytes);
  if (type === 'image/svg+xml' && !options.read) {
    // A file the load stage has not seen (the configured cover).
    try {
      const cleaned = cleanSvg(bytes.toString('utf8'));
      if (cleaned.removed.length) {
        ctx.diagnostics.warn('svg-cleaned', `Unexpected active content in the SVG image (${cleaned.removed.join(', ')}): removed from the EPUB`, { file: source });
      }
      bytes = Buffer.from(cleaned.svg, 'utf8');
    } catch (error) {
      ctx.diagnostics.warn(rule, `Cannot use the SVG image: ${(error as Error).message}`, { file: source });
      return undefined;
    }
  } else if (type === 'image/webp' || type === 'image/avif') {
    const png = await toPng(bytes, type, ctx);
    if (!png) {
      const format = type === 'image/webp' ? 'WebP' : 'AVIF';
      ctx.diagnostics.warn(
        rule,
        `Cannot convert this ${format} image to PNG for the EPUB (${ctx.browser.unavailable ?? 'the browser could not decode it'}): e-readers may not show ${format}, so it is left out and its alt text is shown`,
        { file: source },
      );
      return undefined;
    }
    bytes = png;
    type = 'image/png';
  }
  if (!type || !CORE[type]) {
    ctx.diagnostics.warn(rule, `Unexpected image format${path.extname(source) ? ` (the file is named ${path.extname(source)})` : ''}: expected PNG, JPEG, GIF, SVG, WebP or AVIF; it is left out of the EPUB`, { file: source });
    return undefined;
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  return { href: epubName(stem, hash, CORE[type]!), mediaType: type, bytes, ...imageSize(bytes, type) };
}

/** Every asset of the book, by its output name; `read` gives an asset's bytes (default: as the articles folder has them). */
export async function prepareImages(assets: Iterable<Asset>, ctx: ImageContext, read: (asset: Asset) => Promise<Buffer> = assetBytes): Promise<Map<string, EpubImage | undefined>> {
  const out = new Map<string, EpubImage | undefined>();
  for (const asset of assets) {
    const stem = path.basename(asset.name, path.extname(asset.name)).replace(/-[0-9a-f]{10}$/, '');
    out.set(asset.name, await prepareImage(asset.source, stem, ctx, { read: () => read(asset) }));
  }
  return out;
}

/** A WebP or AVIF image drawn into a canvas by Chromium and saved as PNG. */
async function toPng(bytes: Buffer, type: string, ctx: ImageContext): Promise<Buffer | undefined> {
  const files = new Map([
    ['convert.html', { type: 'text/html', body: '<!DOCTYPE html><meta charset="utf-8"><title>convert</title>' }],
    ['image', { type, body: bytes }],
  ]);
  const page = await ctx.browser.open(files, 'convert.html', { width: 100, height: 100 }).catch(() => undefined);
  if (!page) return undefined;
  try {
    const base64 = await page.evaluate(async () => {
      const blob = await (await fetch('image')).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
    });
    return Buffer.from(base64, 'base64');
  } catch {
    return undefined;
  } finally {
    await page.close().catch(() => {});
  }
}
