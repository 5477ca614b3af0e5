/**
 * The print preview as the dev server serves it (src/dev/print.ts makes its
 * documents): the pages of an article or of the book, their stylesheet and
 * files, and Paged.js from its package (never from the network).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadTemplates } from '../templates.ts';
import type { SiteBuilds } from './builds.ts';
import { renderDevPage, injectClient } from './pages.ts';
import { articlePreview, BOOK_PREVIEW_LIMIT, bookPreview, PRINT_BASE, PRINT_FILES, type PrintResources, previewResources } from './print.ts';
import { type DevRequest, type Handler, send, sendFile } from './respond.ts';

export interface PrintRoutes {
  /** `/__anthology/print/` (the book) and `/__anthology/print/<slug>` (an article). */
  page: Handler;
  /** The print stylesheet. */
  style: Handler;
  /** Fonts, images and the cover under PRINT_FILES. */
  file: Handler;
  /** Paged.js. */
  polyfill: Handler;
}

/** `fallback`: what answers while there is no book to preview, and for what is not there. */
export function printRoutes(builds: SiteBuilds, fallback: { errorPage: Handler; notFound: Handler }): PrintRoutes {
  const { errorPage, notFound } = fallback;
  let resources: { build: number; value: Promise<PrintResources> } | undefined;

  /** The print stylesheet and files of the last good build, made once per build. */
  const resourcesNow = (): Promise<PrintResources> | undefined => {
    const good = builds.good;
    if (!good) return undefined;
    if (resources?.build !== good.build) {
      const { book, templatesDir } = good;
      resources = { build: good.build, value: loadTemplates(templatesDir).then((t) => previewResources(book, t)) };
    }
    return resources.value;
  };

  const page = async (r: DevRequest) => {
    const { req, res, url } = r;
    const good = builds.good;
    if (builds.state === 'error' || !good) return errorPage(r);
    const slug = r.path.slice(PRINT_BASE.length);
    const templates = await loadTemplates(good.templatesDir);
    const setup = url.searchParams.get('setup') === 'book' ? 'book' : 'article';
    const preview =
      slug === '' || url.pathname === PRINT_BASE.slice(0, -1)
        ? await bookPreview(good.book, templates, url.searchParams.has('all') ? undefined : BOOK_PREVIEW_LIMIT)
        : await articlePreview(good.book, templates, slug, setup);
    if (!preview) return notFound(r);
    const html = await renderDevPage('print', { preview, build: good.build, style: `${PRINT_BASE}style.css` });
    return send(res, 200, 'text/html; charset=utf-8', injectClient(html, { mode: 'print' }), req);
  };

  const style = async (r: DevRequest) => {
    const found = await resourcesNow();
    return found ? send(r.res, 200, 'text/css; charset=utf-8', found.css, r.req) : notFound(r);
  };

  const file = async (r: DevRequest) => {
    const { req, res } = r;
    const entry = (await resourcesNow())?.files.get(r.path.slice(PRINT_FILES.length));
    if (!entry) return notFound(r);
    if (entry.body !== undefined) return send(res, 200, entry.type, entry.body, req);
    // Fonts come from their packages and do not change: the browser may keep them (the Chinese ones are large).
    return sendFile(req, res, entry.file!, entry.type, entry.type.startsWith('font/') ? 'max-age=3600' : 'no-store');
  };

  const polyfill = ({ req, res }: DevRequest) => {
    const found = pagedPolyfill();
    if (!found) return send(res, 404, 'text/javascript; charset=utf-8', 'console.error("anthology dev: the print preview needs the pagedjs package (npm install)");\n', req);
    return sendFile(req, res, found, 'text/javascript; charset=utf-8', 'max-age=3600');
  };

  return { page, style, file, polyfill };
}

/** Paged.js's polyfill, from its package. */
function pagedPolyfill(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('pagedjs');
    const file = path.join(path.dirname(main), '..', 'dist', 'paged.polyfill.js');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}
