/**
 * Images made no larger than an output can show: the PDFs get what the
 * widest text column and tallest text block of the configured pages hold at
 * 300 dpi, the EPUB that and no more than e-readers handle. Chromium and
 * EPUB packagers embed an image as large as its file is, so without this a
 * 12000 × 12000 picture goes into the book whole. Results are kept in the
 * build cache (bucket `images`), keyed by the image's bytes and the box.
 */
import sharp from 'sharp';
import { type Cache, hashOf } from '../cache.ts';
import type { BookConfig } from '../config.ts';
import { marginsInPoints, pageSize, toPoints } from '../outputs/pdf/setup.ts';
import type { Asset } from '../types.ts';
import { assetBytes } from './files.ts';

/** What an output can show, in pixels. */
export interface PixelBox {
  width: number;
  height: number;
  /** Total pixels at most (EPUB readers). */
  pixels?: number;
}

export interface FittedImage {
  bytes: Buffer;
  mediaType: string;
  width: number;
  height: number;
}

const PRINT_DPI = 300;
/** E-readers: Kindle's guideline and the common limit of EPUB reading systems on phones. */
const EPUB_LONG_SIDE = 3200;
const EPUB_PIXELS = 4_000_000;
/** Changes with the way images are made smaller, so that the cache never serves an older way's result. */
const METHOD = 'downscale-1';

/** The widest text column and the tallest text block of the book's and the articles' pages, at 300 dpi. */
export function printBox(config: BookConfig): PixelBox {
  let width = 0;
  let height = 0;
  for (const setup of [config.pdf.book, config.pdf.article]) {
    const size = pageSize(setup);
    const m = marginsInPoints(setup);
    width = Math.max(width, toPoints(size.width) - m.inner - m.outer);
    height = Math.max(height, toPoints(size.height) - m.top - m.bottom);
  }
  return { width: Math.round((width / 72) * PRINT_DPI), height: Math.round((height / 72) * PRINT_DPI) };
}

/** The print box, within what e-readers handle. */
export function epubBox(config: BookConfig): PixelBox {
  const print = printBox(config);
  return { width: Math.min(print.width, EPUB_LONG_SIDE), height: Math.min(print.height, EPUB_LONG_SIDE), pixels: EPUB_PIXELS };
}

/** The size an image of `width` × `height` gets in `box` (never larger than it is). */
export function fitSize(width: number, height: number, box: PixelBox): { width: number; height: number } {
  let scale = Math.min(1, box.width / width, box.height / height);
  if (box.pixels && width * height * scale * scale > box.pixels) scale = Math.sqrt(box.pixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/**
 * The image made to fit `box`, or undefined when it fits already (or is not
 * a raster image): the caller then uses the file as it is.
 */
export async function fitImage(asset: Asset, box: PixelBox, cache?: Cache): Promise<FittedImage | undefined> {
  if (asset.mediaType === 'image/svg+xml') return undefined;
  // Images the load stage did not inspect (downloaded by --fetch-images) are measured here.
  const measured = asset.width && asset.height ? { width: asset.width, height: asset.height } : await pixelSize(asset);
  if (!measured) return undefined;
  const { width, height } = measured;
  const size = fitSize(width, height, box);
  if (size.width >= width && size.height >= height) return undefined;
  // Keyed by the sizes it can come out at (upright or turned by its EXIF orientation), so that two boxes with the same result share it.
  const key = hashOf(METHOD, sharp.versions.vips ?? '', asset.hash, JSON.stringify([size, fitSize(height, width, box)]));
  const cached = await cache?.readJson<Omit<FittedImage, 'bytes'>>('images', key);
  const cachedBytes = cached && (await cache?.readBytes('images', key, '.bin'));
  if (cached && cachedBytes) return { ...cached, bytes: cachedBytes };

  const source = await assetBytes(asset);
  const meta = await sharp(source, { limitInputPixels: false }).metadata();
  // EXIF orientation is applied first: the copy keeps no metadata to say it.
  const upright = meta.autoOrient ?? measured;
  const target = fitSize(upright.width, upright.height, box);
  const animated = asset.mediaType === 'image/gif';
  const pipeline = sharp(source, { limitInputPixels: false, animated }).autoOrient().resize(target.width, target.height, { fit: 'inside' });
  const [mediaType, out] =
    asset.mediaType === 'image/jpeg'
      ? ['image/jpeg', pipeline.jpeg({ quality: 88, mozjpeg: true })]
      : asset.mediaType === 'image/gif'
        ? ['image/gif', pipeline.gif()]
        : asset.mediaType === 'image/png' || meta.hasAlpha
          ? ['image/png', pipeline.png({ compressionLevel: 9, palette: meta.isPalette === true })]
          : // WebP and AVIF photos: JPEG, which every reader shows.
            ['image/jpeg', pipeline.jpeg({ quality: 88, mozjpeg: true })];
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  const fitted: FittedImage = { bytes: data, mediaType, width: info.width, height: info.pageHeight ?? info.height };
  if (cache) {
    await cache.writeBytes('images', key, '.bin', data);
    await cache.writeJson('images', key, { mediaType, width: fitted.width, height: fitted.height });
  }
  return fitted;
}

async function pixelSize(asset: Asset): Promise<{ width: number; height: number } | undefined> {
  try {
    const meta = await sharp(await assetBytes(asset), { limitInputPixels: false }).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : undefined;
  } catch {
    return undefined;
  }
}
