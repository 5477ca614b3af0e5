/**
 * The dev server's table of routes: which address answers with what, tried
 * in order, the first that matches answering; and the checks every request
 * passes first (a local host name, GET or HEAD, the first build done).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SiteBuilds } from './builds.ts';
import type { LiveReload } from './live-reload.ts';
import { CLIENT_PATH, DEV_PREFIX, devFile, devFont, devFontCss, EVENTS_PATH, FONTS_PATH } from './pages.ts';
import { PRINT_BASE, PRINT_FILES } from './print.ts';
import { printRoutes } from './print-routes.ts';
import { type DevRequest, type Handler, send, sendFile } from './respond.ts';
import { siteRoutes } from './site-routes.ts';
import { decodeSafe } from '../paths.ts';

export interface RoutesContext {
  /** The address the server listens on: on a loopback address, requests must name this machine. */
  host: string;
  outDir: string;
  builds: SiteBuilds;
  /** Resolves with the next build (requests wait for the first one). */
  nextBuild(): Promise<unknown>;
  /** Resolves when the running build (if any) is done. */
  idle(): Promise<void> | undefined;
  live: LiveReload;
  /** The status message of the badge. */
  status(): string;
  watching(): string[];
}

interface Route {
  /** The path, or with `prefix` the start of the paths. */
  path: string;
  prefix?: true;
  /** Answered only once there is a build (the site, the print preview). */
  built?: true;
  handle: Handler;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/** The request listener of the dev server. */
export function devRoutes(ctx: RoutesContext): (req: IncomingMessage, res: ServerResponse) => void {
  const site = siteRoutes(ctx);
  const print = printRoutes(ctx.builds, site);
  const file = (name: string, type: string): Handler => async ({ req, res }) => send(res, 200, type, await devFile(name), req);

  const routes: Route[] = [
    // The dev server's own files: answered at once, even before the first build.
    { path: EVENTS_PATH, handle: ({ req, res }) => ctx.live.connect(req, res) },
    { path: CLIENT_PATH, handle: file('client.js', JS) },
    { path: `${DEV_PREFIX}status`, handle: ({ req, res }) => send(res, 200, 'application/json; charset=utf-8', ctx.status(), req) },
    { path: `${DEV_PREFIX}dev.css`, handle: async ({ req, res }) => send(res, 200, CSS, devFontCss() + '\n' + (await devFile('dev.css')).toString('utf8'), req) },
    { path: `${DEV_PREFIX}print-preview.css`, handle: file('print-preview.css', CSS) },
    { path: `${DEV_PREFIX}print-preview.js`, handle: file('print-preview.js', JS) },
    { path: `${DEV_PREFIX}paged.polyfill.js`, handle: print.polyfill },
    { path: FONTS_PATH, prefix: true, handle: font(site.notFound) },
    // What the build makes.
    { path: `${PRINT_BASE}style.css`, built: true, handle: print.style },
    { path: PRINT_BASE.slice(0, -1), built: true, handle: print.page },
    { path: PRINT_BASE, prefix: true, built: true, handle: print.page },
    { path: `${PRINT_FILES}/`, prefix: true, built: true, handle: print.file },
    { path: DEV_PREFIX, prefix: true, built: true, handle: site.notFound },
    { path: '/', prefix: true, built: true, handle: site.site },
  ];

  const loopback = isLoopback(ctx.host);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (loopback && !localHostHeader(req.headers.host)) {
      return send(res, 403, TEXT, 'anthology dev serves this machine only: open it as localhost or 127.0.0.1\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, TEXT, 'Method not allowed\n');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => (r.prefix ? url.pathname.startsWith(r.path) : url.pathname === r.path))!;
    // What the build makes waits for the first build.
    if (route.built && !ctx.builds.last) await ctx.nextBuild();
    return route.handle({ req, res, url, path: decodeSafe(url.pathname) });
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, TEXT, `anthology dev: ${(error as Error).stack ?? String(error)}`);
      else res.destroy();
    });
  };
}

/** The fonts of the dev server's own pages, from their packages. */
function font(notFound: Handler): Handler {
  return (r) => {
    const file = devFont(decodeURIComponent(r.url.pathname.slice(FONTS_PATH.length)));
    return file ? sendFile(r.req, r.res, file, 'font/woff2', 'max-age=3600') : notFound(r);
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The Host header of a request from a page of this machine (not a foreign name that resolves here). */
function localHostHeader(header: string | undefined): boolean {
  if (!header) return true;
  const name = header.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

