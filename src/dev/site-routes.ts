/**
 * The site as the dev server serves it: the built files, with the reload
 * client added to the pages; every page a list of the problems while the
 * build fails; a page that says what is missing (and reloads when it
 * appears).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SiteBuilds } from './builds.ts';
import { injectClient, renderDevPage } from './pages.ts';
import { PRINT_BASE } from './print.ts';
import { plural } from './report-lines.ts';
import { type DevRequest, type Handler, send, sendFile } from './respond.ts';
import { contentType, isHtmlType, resolveSitePath } from './static.ts';

export interface SiteRoutesContext {
  /** The folder the site is built into. */
  outDir: string;
  builds: SiteBuilds;
  /** Resolves when the running build (if any) is done. */
  idle(): Promise<void> | undefined;
  /** What is watched, for the error page. */
  watching(): string[];
}

export interface SiteRoutes {
  /** A file of the site. */
  site: Handler;
  /** The problems of the last build. */
  errorPage: Handler;
  /** Nothing here: a plain 404 for a file, a page that says so for a page. */
  notFound: Handler;
}

export function siteRoutes(ctx: SiteRoutesContext): SiteRoutes {
  const { builds } = ctx;

  const site = async (r: DevRequest, retry = true): Promise<void> => {
    const { req, res } = r;
    const pathname = r.url.pathname;
    const looksHtml = pathname.endsWith('/') || pathname.endsWith('.html') || !path.posix.basename(pathname).includes('.');
    if (builds.failing && looksHtml) return errorPage(r);
    const found = await resolveSitePath(ctx.outDir, pathname);
    if (found.kind === 'forbidden') return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n', req);
    if (found.kind === 'redirect') {
      res.setHeader('Location', found.location);
      return send(res, 301, 'text/plain; charset=utf-8', `Moved to ${found.location}\n`, req);
    }
    // The build swaps the folder in place with two renames: try again once it is done.
    const afterBuild = () => (retry ? ctx.idle()?.then(() => site(r, false)) : undefined);
    if (found.kind === 'missing') {
      const again = afterBuild();
      if (again) return again;
      if (builds.last && !builds.last.ok) return errorPage(r);
      return notFound(r);
    }
    const type = contentType(found.file);
    if (!isHtmlType(type)) return sendFile(req, res, found.file, type);
    const html = await readFile(found.file, 'utf8').catch(() => undefined);
    if (html === undefined) return afterBuild() ?? notFound(r);
    const article = /^\/articles\/([^/]+)\.html$/.exec(pathname);
    const print = article ? PRINT_BASE + article[1] : PRINT_BASE;
    return send(res, 200, type, injectClient(html, { print }), req);
  };

  const errorPage = async ({ req, res }: DevRequest) => {
    const r = builds.last!;
    const html = await renderDevPage('error', {
      report: r,
      title: r.errors.length ? `${plural(r.errors.length, 'error')} · anthology dev` : 'Build failed · anthology dev',
      errors: r.errors,
      warnings: r.warnings,
      time: r.finishedAt.toTimeString().slice(0, 8),
      watching: ctx.watching(),
    });
    return send(res, 500, 'text/html; charset=utf-8', injectClient(html, { mode: 'error' }), req);
  };

  const notFound = async ({ req, res, path: pathname }: DevRequest) => {
    const base = path.posix.basename(pathname);
    // A missing image or script gets a plain answer; a missing page, a page that says so (and reloads when it appears).
    if (base.includes('.') && !base.endsWith('.html')) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', req);
    const html = await renderDevPage('not-found', { path: pathname, articles: builds.good?.book.articles.map((a) => ({ slug: a.slug, title: a.title })) ?? [] });
    return send(res, 404, 'text/html; charset=utf-8', injectClient(html, { mode: 'missing' }), req);
  };

  return { site: (r) => site(r), errorPage, notFound };
}
