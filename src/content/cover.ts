/**
 * An article's opener image, `cover:` in its front matter: a file inside the
 * articles folder, relative to the article, found and checked exactly as the
 * images of its text are (src/markdown/images.ts). Every output shows it at
 * the head of the article, described by the article's title.
 */
import { hashAsset, MEDIA_TYPES, resolveLocal } from '../assets/files.ts';
import { bombMessage } from '../assets/inspect.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { BookContext } from '../markdown/data.ts';
import type { Asset } from '../types.ts';
import { decodeSafe } from '../paths.ts';

export interface CoverResult {
  asset?: Asset;
  diagnostics: Diagnostic[];
}

/** The asset of `cover` (as written in the front matter of `file`, at `place`), or the warnings why there is none. */
export async function articleCover(cover: string, file: string, book: BookContext, place: { line: number; column: number } | undefined): Promise<CoverResult> {
  const diagnostics: Diagnostic[] = [];
  const warn = (rule: string, message: string) => diagnostics.push({ severity: 'warning', rule, message, file, line: place?.line ?? 1, column: place?.column ?? 1 });
  const without = 'the article is shown without a cover image';
  const src = cover.trim();
  if (!src || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) {
    warn('image-src', `Unexpected cover image address \`${src}\` (\`cover\` in the front matter): only files inside the articles folder are allowed; ${without}`);
    return { diagnostics };
  }
  const ref = decodeSafe(src.split(/[?#]/)[0]!);
  const found = await resolveLocal(book.root, file, ref);
  if (!found.ok) {
    if (found.reason === 'outside') warn('image-outside-root', `Unexpected cover image \`${src}\` outside the articles folder: it is not read; move the image into the articles folder (the path is relative to the article); ${without}`);
    else if (found.reason === 'missing') warn('image-missing', `Missing cover image \`${src}\`: no file at ${found.file} (the path is relative to the article); ${without}`);
    else warn('image-missing', `Unexpected cover image \`${src}\`: not a file; ${without}`);
    return { diagnostics };
  }
  const ext = /\.[^./]+$/.exec(found.file)?.[0]?.toLowerCase() ?? '';
  if (!MEDIA_TYPES[ext]) {
    warn('image-type', `Unexpected cover image type \`${ext || src}\`: expected one of ${Object.keys(MEDIA_TYPES).join(', ')}; ${without}`);
    return { diagnostics };
  }
  let pending = book.assets.get(found.file);
  if (!pending) {
    pending = hashAsset(found.file).catch((error: Error) => error);
    book.assets.set(found.file, pending);
  }
  const loaded = await pending;
  if (loaded instanceof Error) {
    warn('image-unreadable', `Cannot use the cover image \`${src}\`: ${loaded.message}; ${without}`);
    return { diagnostics };
  }
  const { asset, removed, inspection } = loaded;
  if (!inspection.ok) {
    warn(inspection.rule, `Cannot use the cover image \`${src}\`: ${inspection.problem}; ${without} in the site, the PDFs and the EPUB`);
    return { diagnostics };
  }
  if (inspection.bomb) warn('image-bomb', bombMessage(src, inspection.bomb));
  if (removed.length) warn('svg-cleaned', `Unexpected active content in the SVG image \`${src}\` (${removed.join(', ')}): removed from every output`);
  return { asset, diagnostics };
}
