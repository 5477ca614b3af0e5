/**
 * What an image file really is, found when an article is loaded: its pixel
 * size, whether it decodes at all (an empty or damaged file shows the
 * browser's broken-image icon in every output), and whether it is a
 * decompression bomb (a small file that decodes to hundreds of megabytes).
 * Decoding goes through sharp (libvips), with the image drawn small so that
 * even a huge image costs little memory.
 */
import sharp from 'sharp';
import { formatBytes } from '../format.ts';

/** Images with more pixels than this are refused: libvips' own limit, about 16384 × 16384. */
export const MAX_PIXELS = 0x3fff * 0x3fff;
/** More pixels than this (100 megapixels, a 10000 × 10000 image) is far more than any page shows. */
export const HUGE_PIXELS = 100_000_000;
/** Decoded sizes above this many bytes, this many times the file's size, are a decompression bomb. */
const BOMB_BYTES = 64 * 1024 * 1024;
const BOMB_RATIO = 100;

export interface ImageFacts {
  width: number;
  height: number;
}

export type Inspection =
  | { ok: true; facts?: ImageFacts; bomb?: string }
  | { ok: false; rule: 'image-empty' | 'image-undecodable' | 'image-too-large'; problem: string };

/**
 * Inspects the bytes of an image file by its media type. SVG is text and
 * checked where it is cleaned (svg.ts); every other type is decoded.
 */
export async function inspectImage(bytes: Buffer, mediaType: string): Promise<Inspection> {
  if (bytes.length === 0 || (mediaType === 'image/svg+xml' && bytes.toString('utf8').trim() === '')) {
    return { ok: false, rule: 'image-empty', problem: 'the file is empty (0 bytes)' };
  }
  if (mediaType === 'image/svg+xml') return { ok: true };
  let width: number | undefined;
  let height: number | undefined;
  let channels = 4;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.height;
    channels = meta.channels ?? 4;
  } catch (error) {
    return { ok: false, rule: 'image-undecodable', problem: `it is not an image that can be read (${reason(error)})` };
  }
  if (!width || !height) return { ok: false, rule: 'image-undecodable', problem: 'it has no size (0 pixels)' };
  const facts = { width, height };
  const size = `${width} × ${height} pixels`;
  if (width * height > MAX_PIXELS) {
    return { ok: false, rule: 'image-too-large', problem: `it is ${size} (${megapixels(width * height)}), more than the ${megapixels(MAX_PIXELS)} that can be decoded safely` };
  }
  try {
    // Drawn small, the whole file is still decoded: a damaged one fails here.
    await sharp(bytes, { failOn: 'error' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (error) {
    return { ok: false, rule: 'image-undecodable', problem: `it cannot be decoded (${reason(error)})` };
  }
  const decoded = width * height * channels;
  const bomb =
    width * height > HUGE_PIXELS || (decoded > BOMB_BYTES && decoded > BOMB_RATIO * bytes.length)
      ? `it is ${size}, ${formatBytes(decoded)} once decoded from a ${formatBytes(bytes.length)} file (a decompression bomb?)`
      : undefined;
  return { ok: true, facts, bomb };
}

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 1e6)} megapixels`;
}

/** libvips' message, without the library's prefixes and trailing lines. */
function reason(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .replace(/^(vips|vipspng|VipsJpeg|VipsForeignLoad\w*|gifload|heifload|webpload):\s*/i, '')
    .replace(/[.:]\s*$/, '')
    .trim();
}

/** The warning for an image no output can show: what is wrong, and what every output shows instead. */
export function unusableImageMessage(src: string, alt: string, failed: Extract<Inspection, { ok: false }>): string {
  const shown = alt.trim() ? `its alt text "${alt.trim()}"` : `its address \`${src}\` (it has no alt text)`;
  const fix = failed.rule === 'image-too-large' ? 'save it smaller' : 'replace the file with a PNG, JPEG, GIF, WebP, AVIF or SVG image';
  return `Cannot use the image \`${src}\`: ${failed.problem}. The site, the PDFs and the EPUB show ${shown} in its place; ${fix}`;
}

/** The warning for a decompression bomb: what it is, and what each output does with it. */
export function bombMessage(src: string, bomb: string): string {
  return `Unexpected huge image \`${src}\`: ${bomb}. The PDFs and the EPUB get a copy downscaled to what their pages show at 300 dpi; the site keeps the original, which every reader's browser must decode whole: save it smaller`;
}
