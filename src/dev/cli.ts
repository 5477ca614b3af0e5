/**
 * `anthology dev`: parses its options, starts the dev server (server.ts),
 * prints where it is and what each rebuild did, and stops on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DEFAULT_HOST, DEFAULT_PORT, DevServerError, startDevServer } from './server.ts';

export const DEV_HELP = `Usage: anthology dev [--articles DIR] [--config FILE] [--port N] [--host ADDR] [--open] [--drafts]

Builds the website into a temporary folder, serves it on this machine and
rebuilds when an article, an image, a template or the book config changes;
open pages reload by themselves. A build that fails shows its problems in
the page instead. /__anthology/print/<slug> (and /__anthology/print/ for the
book) shows the pages as the PDF lays them out.

Options:
  --articles DIR      articles folder (default: the config's "articles", else ./articles)
  --config FILE       book config (default: book.config.yaml in the --articles folder or
                      beside it; else ./book.config.yaml, if it is for the same articles)
  --port N            port to listen on (default: ${DEFAULT_PORT}, or the next free one)
  --host ADDR         address to listen on (default: ${DEFAULT_HOST}, this machine only)
  --open              open the site in the default browser
  --drafts            include articles marked "draft: true"
  --no-cache          do not read or write the build cache
  --cache-dir DIR     keep the build cache in DIR
  -h, --help          show this help

Stop it with Ctrl-C.
`;

export interface DevIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Stops the server like Ctrl-C (for tests and embedding). */
  signal?: AbortSignal;
}

export async function runDev(argv: string[], io: DevIo = process): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        articles: { type: 'string' },
        config: { type: 'string' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        open: { type: 'boolean' },
        drafts: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.stdout.write(DEV_HELP);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) return usage(io, `--port expects a number from 0 to 65535, found "${values.port}"`);
  }
  const host = values.host ?? DEFAULT_HOST;
  if (!host.trim()) return usage(io, '--host expects an address, e.g. 127.0.0.1');

  const say = (line: string) => io.stdout.write(`${line}\n`);
  let server;
  try {
    server = await startDevServer({
      articles: values.articles,
      config: values.config,
      port,
      host,
      drafts: values.drafts,
      cache: values['no-cache'] ? false : values['cache-dir'],
      log: say,
    });
  } catch (error) {
    if (error instanceof DevServerError) {
      io.stderr.write(`anthology dev: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (!server.last) say(`anthology dev: building the site for ${server.url} …`);

  let stopping = false;
  let stopped!: () => void;
  const stoppedPromise = new Promise<void>((resolve) => (stopped = resolve));
  const stop = (why: string) => {
    if (stopping) {
      // A second Ctrl-C while stopping: do not wait.
      io.stderr.write('anthology dev: stopped at once\n');
      process.exit(130);
    }
    stopping = true;
    io.stdout.write(`\nanthology dev: ${why}, stopping\n`);
    void server.close().then(stopped, stopped);
  };
  const onSigint = () => stop('Ctrl-C');
  const onSigterm = () => stop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  io.signal?.addEventListener('abort', () => stop('asked to stop'), { once: true });
  if (io.signal?.aborted) stop('asked to stop');

  const first = await Promise.race([server.ready(), stoppedPromise.then(() => undefined)]);
  if (first) {
    const wide = host === '0.0.0.0' || host === '::';
    say('');
    say(`  Site:           ${server.url}`);
    say(`  Print preview:  ${server.url}__anthology/print/ (the book), …/print/<slug> (an article)`);
    say(`  Watching:       ${server.watching().join(', ')}`);
    if (wide) say(`  Listening on every address of this machine: anyone on its networks can read the site.`);
    say('');
    say(first.ok ? '  Edit and save: open pages reload by themselves. Ctrl-C stops.' : '  The build failed: the pages show why. Fix and save; Ctrl-C stops.');
    say('');
    if (values.open) openBrowser(server.url, io);
  }
  await stoppedPromise;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  say('anthology dev: stopped');
  return 0;
}

function usage(io: DevIo, message: string): number {
  io.stderr.write(`anthology dev: ${message}\n\n${DEV_HELP}`);
  return 2;
}

/** Opens a URL in the user's browser; says so when there is none to open it with. */
function openBrowser(url: string, io: DevIo): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr.write(`anthology dev: could not open a browser (${command}); open ${url} yourself\n`));
    child.unref();
  } catch {
    io.stderr.write(`anthology dev: could not open a browser; open ${url} yourself\n`);
  }
}
