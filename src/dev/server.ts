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
 *
 * This file wires the parts: the build queue (queue.ts) runs the builds
 * (builds.ts), the watcher (watch.ts, book-files.ts) schedules them, the
 * routes (routes.ts) answer the requests, live reload (live-reload.ts) tells
 * the pages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bookFiles } from './book-files.ts';
import { type BuildReport, type DevState, SiteBuilds } from './builds.ts';
import { listen } from './listen.ts';
import { LiveReload, statusMessage } from './live-reload.ts';
import { BuildQueue } from './queue.ts';
import { reportLines } from './report-lines.ts';
import { devRoutes } from './routes.ts';
import { type Watcher, watchFiles } from './watch.ts';

export type { BuildReport, DevState } from './builds.ts';
export { DevServerError } from './listen.ts';

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


export async function startDevServer(options: DevOptions = {}): Promise<DevServer> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const log = options.log ?? (() => {});
  const host = options.host ?? DEFAULT_HOST;
  const session = randomBytes(6).toString('hex');
  const tmp = await mkdtemp(path.join(tmpdir(), 'anthology-dev-'));
  const outDir = path.join(tmp, 'site');

  const builds = new SiteBuilds({ cwd, outDir, articles: options.articles, config: options.config, drafts: options.drafts, cache: options.cache });
  const status = () => statusMessage(builds.state, builds.last, session);
  const live = new LiveReload(session, status);

  const queue = new BuildQueue<BuildReport>(async (changed, signal) => {
    const number = builds.start();
    live.sendStatus();
    const report = await builds.run(number, changed, signal);
    if (!report) return undefined;
    live.sendStatus();
    if (report.reloaded) live.reload(report.build);
    for (const line of reportLines(report, cwd)) log(line);
    await updateWatches();
    return report;
  });

  // What is watched follows the build: the articles folder of the book that built, a templates folder that appeared.
  let watcher: Watcher | undefined;
  let shown: string[] = [];
  const updateWatches = async () => {
    if (queue.closed) return;
    const files = await bookFiles(cwd, options, builds.good?.book.root);
    if (queue.closed) return;
    shown = files.shown;
    if (watcher) watcher.update(files.targets);
    else watcher = watchFiles(files.targets, (changed) => queue.schedule(changed), { debounceMs: options.debounceMs });
  };
  const watching = () => [...shown];

  const server = createServer(devRoutes({ host, outDir, builds, live, status, watching, nextBuild: () => queue.next(), idle: () => queue.idle() }));
  let port: number;
  try {
    port = await listen(server, host, options.port ?? DEFAULT_PORT, options.strictPort ?? options.port !== undefined);
  } catch (error) {
    live.close();
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  queue.schedule();
  await updateWatches();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    outDir,
    get last() {
      return builds.last;
    },
    get state() {
      return builds.state;
    },
    watching,
    ready: () => queue.first(),
    nextBuild: () => queue.next(),
    rebuild() {
      const report = queue.next();
      queue.schedule();
      return report;
    },
    close() {
      closing ??= (async () => {
        const stopped = queue.close();
        watcher?.close();
        live.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await stopped;
        await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
      })();
      return closing;
    },
  };
}
