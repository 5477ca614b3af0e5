/**
 * `anthology dev`: builds the site into a temporary folder, serves it on
 * this machine, rebuilds when an article, an image, a template or the config
 * changes, and tells the open pages to reload (Server-Sent Events).
 *
 * - One build at a time; a change during a build schedules one more. The
 *   build cache makes a rebuild process only the changed articles; the pages
 *   are rendered again.
 * - A build that fails does not stop the server: every page shows the
 *   problems (file:line:column, the lines around) until the next build
 *   succeeds, and then reloads by itself.
 * - Served: only files below the output folder (no `..`, no symbolic links
 *   out, no listings), to this machine only by default (127.0.0.1, and
 *   requests must name a local host, against DNS rebinding).
 * - The live-reload client is added to the HTML pages as they are served;
 *   the built files never contain it.
 */
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { build, type BuildResult, TOOL_ROOT } from '../build.ts';
import { loadConfig } from '../config.ts';
import { locateConfig } from '../locate-config.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { loadTemplates } from '../templates.ts';
import type { Book } from '../types.ts';
import { CLIENT_PATH, DEV_PREFIX, devFile, devFont, devFontCss, EVENTS_PATH, FONTS_PATH, injectClient, renderDevPage } from './pages.ts';
import { articlePreview, BOOK_PREVIEW_LIMIT, bookPreview, PRINT_BASE, PRINT_FILES, type PrintResources, previewResources } from './print.ts';
import { type Problem, relative, toProblems } from './problems.ts';
import { contentType, isHtmlType, resolveSitePath } from './static.ts';
import { type Watcher, type WatchTarget, watchFiles } from './watch.ts';

export const DEFAULT_PORT = 4321;
export const DEFAULT_HOST = '127.0.0.1';

export interface DevOptions {
  /** Folder the other paths are relative to (default `process.cwd()`). */
  cwd?: string;
  articles?: string;
  config?: string;
  drafts?: boolean;
  /** Port to listen on; 0 for any free one. Default 4321, or the next free one after it. */
  port?: number;
  /** Fail when the port is taken instead of trying the next ones (default: only when `port` is given). */
  strictPort?: boolean;
  host?: string;
  /** The build cache, as for build() (default `.cache/anthology` next to the config). */
  cache?: boolean | string;
  /** Quiet time after a change before rebuilding (default 100 ms). */
  debounceMs?: number;
  /** One line per event (the URL, each rebuild and its problems). Default: nothing. */
  log?: (line: string) => void;
}

export type DevState = 'building' | 'ok' | 'error';

export interface BuildReport {
  /** Counts from 1; 0 before the first build. */
  build: number;
  ok: boolean;
  upToDate: boolean;
  ms: number;
  /** Files whose change started the build (none for the first). */
  changed: string[];
  errors: Problem[];
  warnings: Problem[];
  articles: { cached: number; processed: number; total: number };
  /** Whether the open pages were told to reload. */
  reloaded: boolean;
  finishedAt: Date;
}

export interface DevServer {
  /** `http://127.0.0.1:4321/` */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The folder the site is built into (removed on close). */
  readonly outDir: string;
  /** The last finished build, once there is one. */
  readonly last: BuildReport | undefined;
  readonly state: DevState;
  /** What is being watched, relative to `cwd`. */
  watching(): string[];
  /** Resolves with the report of the first build, once it is done. */
  ready(): Promise<BuildReport>;
  /** Resolves with the report of the next build that finishes. */
  nextBuild(): Promise<BuildReport>;
  /** Builds now (or after the running build) and resolves with its report. */
  rebuild(): Promise<BuildReport>;
  /** Stops watching, ends every connection, interrupts a running build and removes the output folder. Safe to call twice. */
  close(): Promise<void>;
}

interface Client {
  res: ServerResponse;
}

export async function startDevServer(options: DevOptions = {}): Promise<DevServer> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const log = options.log ?? (() => {});
  const host = options.host ?? DEFAULT_HOST;
  const session = randomBytes(6).toString('hex');
  const tmp = await mkdtemp(path.join(tmpdir(), 'anthology-dev-'));
  const outDir = path.join(tmp, 'site');
  const controller = new AbortController();

  let state: DevState = 'building';
  let last: BuildReport | undefined;
  let good: { book: Book; templatesDir: string; build: number } | undefined;
  let resources: { build: number; value: Promise<PrintResources> } | undefined;
  let signature = '';
  let buildCount = 0;
  let closed = false;
  const clients = new Set<Client>();
  const waiting: ((r: BuildReport) => void)[] = [];
  let firstReport: (r: BuildReport) => void = () => {};
  const first = new Promise<BuildReport>((resolve) => (firstReport = resolve));

  // ---- Building --------------------------------------------------------------

  let running: Promise<void> | undefined;
  let again = false;
  let changedFiles = new Set<string>();

  const schedule = (files: readonly string[]) => {
    if (closed) return;
    for (const f of files) changedFiles.add(f);
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        const changed = [...changedFiles];
        changedFiles = new Set();
        await buildOnce(changed);
      } while (again && !closed);
      running = undefined;
    })();
  };

  const templatesDir = () => (isDir(path.join(cwd, 'templates')) ? path.join(cwd, 'templates') : path.join(TOOL_ROOT, 'templates'));

  const buildOnce = async (changed: string[]) => {
    const number = ++buildCount;
    const started = performance.now();
    state = 'building';
    broadcast('status', status());
    const dir = templatesDir();
    let result: BuildResult | undefined;
    let thrown: Diagnostic | undefined;
    try {
      result = await build({
        cwd,
        articles: options.articles,
        config: options.config,
        out: outDir,
        formats: ['html'],
        drafts: options.drafts,
        cache: options.cache,
        signal: controller.signal,
      });
    } catch (error) {
      thrown = thrownProblem(error, dir);
    }
    if (closed) return;
    const items = thrown ? [thrown] : result!.diagnostics.items;
    const problems = await toProblems(items, cwd);
    const ok = Boolean(result?.ok);
    const upToDate = Boolean(result?.upToDate);
    if (ok && result?.book) {
      good = { book: result.book, templatesDir: dir, build: number };
    }
    // The pages reload when what they show changed: a new site, or other problems.
    const next = ok ? (upToDate && signature.startsWith('ok') ? signature : `ok:${number}`) : `error:${hash(JSON.stringify(problems))}`;
    const reloaded = next !== signature && buildCount > 1;
    signature = next;
    state = ok ? 'ok' : 'error';
    const report: BuildReport = {
      build: number,
      ok,
      upToDate,
      ms: performance.now() - started,
      changed,
      errors: problems.filter((p) => p.severity === 'error'),
      warnings: problems.filter((p) => p.severity === 'warning'),
      articles: { ...(result?.articles ?? { cached: 0, processed: 0 }), total: result?.book?.articles.length ?? 0 },
      reloaded,
      finishedAt: new Date(),
    };
    last = report;
    broadcast('status', status());
    if (reloaded) broadcast('reload', JSON.stringify({ build: number }));
    logReport(report);
    await updateWatches();
    firstReport(report);
    for (const w of waiting.splice(0)) w(report);
  };

  const logReport = (r: BuildReport) => {
    const time = r.finishedAt.toTimeString().slice(0, 8);
    // Editors write temporary files on the way: name the files that are there.
    const shown = r.changed.filter((f) => existsSync(f));
    const named = shown.length ? shown : r.changed;
    const what = named.length ? `${relative(cwd, named[0]!)}${named.length > 1 ? ` and ${named.length - 1} more` : ''} changed: ` : '';
    const counts = `${plural(r.errors.length, 'error')}, ${plural(r.warnings.length, 'warning')}`;
    const seconds = (r.ms / 1000).toFixed(1);
    if (!r.ok) {
      log(`${time} ${what}build failed in ${seconds}s (${counts}); the pages show the problems`);
    } else if (r.upToDate) {
      log(`${time} ${what}nothing to rebuild (${counts})`);
    } else {
      const arts = r.build === 1 ? `${plural(r.articles.total, 'article')}` : `${r.articles.processed} of ${plural(r.articles.total, 'article')} processed`;
      log(`${time} ${what}${r.build === 1 ? 'built' : 'rebuilt'} in ${seconds}s (${arts}; ${counts})${r.reloaded ? ', pages reloaded' : ''}`);
    }
    for (const p of [...r.errors, ...r.warnings]) log(`  ${p.where ? p.where + ': ' : ''}${p.severity} ${p.message} [${p.rule}]`);
  };

  const status = () =>
    JSON.stringify({
      state,
      build: last?.build ?? 0,
      session,
      errors: last?.errors.length ?? 0,
      warnings: (last?.warnings ?? []).slice(0, 100).map((w) => ({ where: w.where, message: w.message, rule: w.rule })),
      warningCount: last?.warnings.length ?? 0,
      ms: last ? Math.round(last.ms) : undefined,
    });

  // ---- Watching --------------------------------------------------------------

  let watcher: Watcher | undefined;
  /** What is watched, for people: the config, the articles folder, the templates. */
  let shown: string[] = [];
  const targets = async (): Promise<WatchTarget[]> => {
    // The config the build uses (src/locate-config.ts): the --articles folder's own, if it has one.
    const choice = locateConfig(cwd, options);
    const { config } = choice.file ? await loadConfig(cwd, choice.file).catch(() => ({ config: undefined })) : { config: undefined };
    const configFile = choice.file ?? path.join(cwd, 'book.config.yaml');
    const root =
      good?.book.root ?? choice.articles ?? (options.articles ? path.resolve(cwd, options.articles) : config ? path.resolve(config.base, config.articles) : path.join(cwd, 'articles'));
    const templates = templatesDir();
    const own = templates === path.join(TOOL_ROOT, 'templates') && !isInsideDir(TOOL_ROOT, cwd);
    shown = [
      ...(existsSync(configFile) ? [relative(cwd, configFile)] : []),
      `${relative(cwd, root)}/${isDir(root) ? '' : ' (not there yet)'}`,
      own ? "anthology's own templates/" : `${relative(cwd, templates)}/`,
    ];
    // A folder that is not there yet is watched for from its parent; so is a templates folder of the book's own.
    const list: WatchTarget[] = [{ path: configFile, kind: 'file' }];
    for (const folder of [root, templates]) list.push({ path: folder, kind: isDir(folder) ? 'folder' : 'file' });
    if (!isDir(path.join(cwd, 'templates'))) list.push({ path: path.join(cwd, 'templates'), kind: 'file' });
    return list;
  };
  const updateWatches = async () => {
    if (closed) return;
    const list = await targets();
    if (closed) return;
    if (watcher) watcher.update(list);
    else watcher = watchFiles(list, (files) => schedule(files), { debounceMs: options.debounceMs });
  };

  // ---- Serving ---------------------------------------------------------------

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `anthology dev: ${(error as Error).stack ?? String(error)}`);
      else res.destroy();
    });
  });
  const loopback = isLoopback(host);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (loopback && !localHostHeader(req.headers.host)) {
      return send(res, 403, 'text/plain; charset=utf-8', 'anthology dev serves this machine only: open it as localhost or 127.0.0.1\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    if (pathname === EVENTS_PATH) return events(req, res);
    if (pathname === CLIENT_PATH) return send(res, 200, 'text/javascript; charset=utf-8', await devFile('client.js'), req);
    if (pathname === `${DEV_PREFIX}status`) return send(res, 200, 'application/json; charset=utf-8', status(), req);
    if (pathname === `${DEV_PREFIX}dev.css`) return send(res, 200, 'text/css; charset=utf-8', devFontCss() + '\n' + (await devFile('dev.css')).toString('utf8'), req);
    if (pathname === `${DEV_PREFIX}print-preview.css`) return send(res, 200, 'text/css; charset=utf-8', await devFile('print-preview.css'), req);
    if (pathname === `${DEV_PREFIX}print-preview.js`) return send(res, 200, 'text/javascript; charset=utf-8', await devFile('print-preview.js'), req);
    if (pathname === `${DEV_PREFIX}paged.polyfill.js`) return pagedScript(req, res);
    if (pathname.startsWith(FONTS_PATH)) {
      const file = devFont(decodeURIComponent(pathname.slice(FONTS_PATH.length)));
      return file ? sendFile(req, res, file, 'font/woff2', 'max-age=3600') : notFound(req, res);
    }
    // Requests wait for the first build, and for a build that is replacing the folder.
    if (!last) await nextBuild();
    if (pathname === `${PRINT_BASE}style.css`) {
      const r = await printResourcesNow();
      return r ? send(res, 200, 'text/css; charset=utf-8', r.css, req) : notFound(req, res);
    }
    if (pathname === PRINT_BASE.slice(0, -1) || pathname.startsWith(PRINT_BASE)) return printPage(req, res, url);
    if (pathname.startsWith(PRINT_FILES + '/')) return printFile(req, res, pathname.slice(PRINT_FILES.length));
    if (pathname.startsWith(DEV_PREFIX)) return notFound(req, res);
    return site(req, res, pathname);
  };

  const site = async (req: IncomingMessage, res: ServerResponse, pathname: string, retry = true): Promise<void> => {
    const looksHtml = pathname.endsWith('/') || pathname.endsWith('.html') || !path.posix.basename(pathname).includes('.');
    if (state === 'error' || (state === 'building' && last && !last.ok)) {
      if (looksHtml) return errorPage(req, res);
    }
    const found = await resolveSitePath(outDir, pathname);
    if (found.kind === 'forbidden') return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden\n', req);
    if (found.kind === 'redirect') {
      res.setHeader('Location', found.location);
      return send(res, 301, 'text/plain; charset=utf-8', `Moved to ${found.location}\n`, req);
    }
    if (found.kind === 'missing') {
      // The build swaps the folder in place with two renames: try again once it is done.
      if (retry && running) {
        await running;
        return site(req, res, pathname, false);
      }
      if (last && !last.ok) return errorPage(req, res);
      return notFound(req, res);
    }
    const type = contentType(found.file);
    if (!isHtmlType(type)) return sendFile(req, res, found.file, type);
    const html = await readFile(found.file, 'utf8').catch(() => undefined);
    if (html === undefined) return retry && running ? (await running, site(req, res, pathname, false)) : notFound(req, res);
    const article = /^\/articles\/([^/]+)\.html$/.exec(pathname);
    const print = article ? PRINT_BASE + article[1] : PRINT_BASE;
    return send(res, 200, type, injectClient(html, { print }), req);
  };

  const errorPage = async (req: IncomingMessage, res: ServerResponse) => {
    const r = last!;
    const html = await renderDevPage('error', {
      report: r,
      title: r.errors.length ? `${plural(r.errors.length, 'error')} · anthology dev` : 'Build failed · anthology dev',
      errors: r.errors,
      warnings: r.warnings,
      time: r.finishedAt.toTimeString().slice(0, 8),
      watching: watchingList(),
    });
    return send(res, 500, 'text/html; charset=utf-8', injectClient(html, { mode: 'error' }), req);
  };

  const notFound = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = decodeSafe(new URL(req.url ?? '/', 'http://localhost').pathname);
    const base = path.posix.basename(pathname);
    // A missing image or script gets a plain answer; a missing page, a page that says so (and reloads when it appears).
    if (base.includes('.') && !base.endsWith('.html')) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', req);
    const html = await renderDevPage('not-found', { path: pathname, articles: good?.book.articles.map((a) => ({ slug: a.slug, title: a.title })) ?? [] });
    return send(res, 404, 'text/html; charset=utf-8', injectClient(html, { mode: 'missing' }), req);
  };

  const printPage = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (state === 'error' || !good) return errorPage(req, res);
    const rest = url.pathname.slice(PRINT_BASE.length);
    const templates = await loadTemplates(good.templatesDir);
    const setup = url.searchParams.get('setup') === 'book' ? 'book' : 'article';
    const preview =
      rest === '' || url.pathname === PRINT_BASE.slice(0, -1)
        ? await bookPreview(good.book, templates, url.searchParams.has('all') ? undefined : BOOK_PREVIEW_LIMIT)
        : await articlePreview(good.book, templates, decodeSafe(rest), setup);
    if (!preview) return notFound(req, res);
    const html = await renderDevPage('print', { preview, build: good.build, style: `${PRINT_BASE}style.css` });
    return send(res, 200, 'text/html; charset=utf-8', injectClient(html, { mode: 'print' }), req);
  };

  const printResourcesNow = (): Promise<PrintResources> | undefined => {
    if (!good) return undefined;
    if (resources?.build !== good.build) {
      const { book, templatesDir: dir } = good;
      resources = { build: good.build, value: loadTemplates(dir).then((t) => previewResources(book, t)) };
    }
    return resources.value;
  };

  const printFile = async (req: IncomingMessage, res: ServerResponse, rel: string) => {
    const files = (await printResourcesNow())?.files;
    const entry = files?.get(decodeSafe(rel));
    if (!entry) return notFound(req, res);
    if (entry.body !== undefined) return send(res, 200, entry.type, entry.body, req);
    // Fonts come from their packages and do not change: the browser may keep them (the Chinese ones are large).
    return sendFile(req, res, entry.file!, entry.type, entry.type.startsWith('font/') ? 'max-age=3600' : 'no-store');
  };

  const pagedScript = async (req: IncomingMessage, res: ServerResponse) => {
    const file = pagedPolyfill();
    if (!file) return send(res, 404, 'text/javascript; charset=utf-8', 'console.error("anthology dev: the print preview needs the pagedjs package (npm install)");\n', req);
    return sendFile(req, res, file, 'text/javascript; charset=utf-8', 'max-age=3600');
  };

  const events = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'HEAD') return send(res, 200, 'text/event-stream; charset=utf-8', '', req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ session })}\n\nevent: status\ndata: ${status()}\n\n`);
    const client: Client = { res };
    clients.add(client);
    req.on('close', () => clients.delete(client));
  };

  const broadcast = (event: string, data: string) => {
    for (const c of clients) c.res.write(`event: ${event}\ndata: ${data}\n\n`);
  };
  const ping = setInterval(() => {
    for (const c of clients) c.res.write(': ping\n\n');
  }, 15_000);
  ping.unref();

  const watchingList = () => [...shown];

  const nextBuild = () => new Promise<BuildReport>((resolve) => waiting.push(resolve));

  // ---- Start -----------------------------------------------------------------

  let port: number;
  try {
    port = await listen(server, host, options.port ?? DEFAULT_PORT, options.strictPort ?? options.port !== undefined);
  } catch (error) {
    clearInterval(ping);
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  schedule([]);
  await updateWatches();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    outDir,
    get last() {
      return last;
    },
    get state() {
      return state;
    },
    watching: watchingList,
    ready: () => first,
    nextBuild,
    rebuild() {
      const p = nextBuild();
      schedule([]);
      return p;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(ping);
        watcher?.close();
        controller.abort();
        for (const c of clients) c.res.end();
        clients.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await running?.catch(() => {});
        await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
      })();
      return closing;
    },
  };
}

// ---- Helpers -------------------------------------------------------------------

async function listen(server: Server, host: string, port: number, strict: boolean): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tried = port === 0 ? 0 : port + attempt;
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening);
          reject(error);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(tried, host);
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && !strict && port !== 0 && attempt < 20) continue;
      if (code === 'EADDRINUSE') throw new DevServerError(`Port ${tried} is in use${strict ? '' : ` (and the next ${attempt} too)`}; choose another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new DevServerError(`Cannot listen on ${host}: no such address on this machine`);
      if (code === 'EACCES') throw new DevServerError(`Not allowed to listen on port ${tried}; ports below 1024 need privileges`);
      throw error;
    }
  }
}

/** A problem that stops the dev server from starting (the CLI prints it and exits 1). */
export class DevServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevServerError';
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, req?: IncomingMessage): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(req?.method === 'HEAD' ? undefined : body);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string, cache = 'no-store'): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n', req);
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', size);
  res.setHeader('Cache-Control', cache);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Paged.js's polyfill, from its package (never from the network). */
function pagedPolyfill(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('pagedjs');
    const file = path.join(path.dirname(main), '..', 'dist', 'paged.polyfill.js');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** An exception out of build() (it reports its own problems; this is e.g. a broken labels.yaml). */
function thrownProblem(error: unknown, templatesDir: string): Diagnostic {
  const e = error as Error & { linePos?: { line: number; col: number }[] };
  if (e?.name === 'YAMLParseError' && e.linePos?.[0]) {
    return { severity: 'error', rule: 'template', file: path.join(templatesDir, 'labels.yaml'), line: e.linePos[0].line, column: e.linePos[0].col, message: `Invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
  }
  return { severity: 'error', rule: 'internal', message: `Unexpected failure: ${e?.stack ?? String(error)}` };
}

function isInsideDir(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
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

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
