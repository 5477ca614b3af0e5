/**
 * `anthology check-sources [--articles DIR] [--timeout S] [--concurrency N] [--json]`:
 * parses the arguments, calls `checkSources()`, prints a line per source (or
 * JSON) and a summary, and chooses the exit code (0 no source gone, 1 a
 * source gone, 2 usage error).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { articlesOf, locateConfig } from '../locate-config.ts';
import { formatSeconds } from './check.ts';
import { checkSources, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, formatResult, relativeTo } from './index.ts';
import type { ImportIO } from '../import/cli.ts';

export const CHECK_SOURCES_HELP = `Usage: anthology check-sources [--articles DIR] [--timeout S] [--concurrency N] [--json]

Asks every \`source\` address in the articles' front matter whether it still
answers, and prints one line per article: ok (2xx), moved (redirected, with
where to), gone (404 or 410), status N (any other answer) or no answer
(timeout, no such host, connection refused), with the article's file and the
line of its \`source:\`. A HEAD request first, a GET when the server refuses
HEAD; redirects are followed (10 at most) and reported. Each address is asked
once. This needs the network; the build never does it.

Options:
  --articles DIR      articles folder (default: the config's "articles", else ./articles)
  --config FILE       book config that names the articles folder
  --timeout S         seconds to wait for each address, redirects included (default: ${DEFAULT_TIMEOUT_MS / 1000})
  --concurrency N     addresses asked at once (default: ${DEFAULT_CONCURRENCY})
  --json              print the results as JSON instead of lines
  -h, --help          show this help

Exit codes: 0 no source is gone (moved, other statuses and no answer are reported
but allowed), 1 at least one source is gone (404 or 410), 2 usage error.
`;

/** Where the command writes: the same as `anthology import`'s. */
export type CheckSourcesIO = ImportIO;

export async function runCheckSources(argv: string[], io: CheckSourcesIO = process, cwd = process.cwd(), fetchImpl?: typeof fetch): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        articles: { type: 'string' },
        config: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout.write(CHECK_SOURCES_HELP);
    return 0;
  }
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT_MS / 1000 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) return usage(io, `--timeout needs a number of seconds between 0 and 600, found "${values.timeout}"`);
  const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return usage(io, `--concurrency needs a whole number from 1 to 64, found "${values.concurrency}"`);

  const choice = locateConfig(cwd, { config: values.config, articles: values.articles });
  const root = choice.articles ?? (values.articles ? path.resolve(cwd, values.articles) : choice.file ? path.resolve(path.dirname(choice.file), articlesOf(choice.file)) : path.join(cwd, 'articles'));
  const rel = relativeTo(cwd);

  let result;
  try {
    result = await checkSources({ root, timeoutMs: timeout * 1000, concurrency, fetch: fetchImpl });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return usage(io, code === 'ENOENT' || code === 'ENOTDIR' ? `no articles folder at ${rel(root)}` : (error as Error).message);
  }
  const { counts } = result;
  if (values.json) {
    const json = {
      articles: result.articles,
      addresses: result.addresses,
      counts,
      results: result.results.map((r) => ({ file: rel(r.file), line: r.line, ...r.check })),
      problems: result.problems.map((p) => ({ ...p, file: rel(p.file) })),
    };
    io.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    for (const r of result.results) io.stdout.write(formatResult(r, rel) + '\n');
  }
  for (const p of result.problems) io.stderr.write(`${rel(p.file)}${p.line ? ':' + p.line : ''}: warning ${p.message}\n`);
  const n = result.results.length;
  const parts = [`${counts.ok} ok`, `${counts.moved} moved`, `${counts.gone} gone`, `${counts.other} other`, `${counts['no-answer']} no answer`];
  io.stderr.write(
    `anthology check-sources: ${n} ${n === 1 ? 'source' : 'sources'} (${result.addresses} ${result.addresses === 1 ? 'address' : 'addresses'}) in ${result.articles} ${result.articles === 1 ? 'article' : 'articles'}: ${parts.join(', ')} in ${formatSeconds(Math.max(100, Math.round(result.ms / 100) * 100))}\n`,
  );
  return counts.gone ? 1 : 0;
}

function usage(io: CheckSourcesIO, message: string): number {
  io.stderr.write(`anthology check-sources: ${message}\n\n${CHECK_SOURCES_HELP}`);
  return 2;
}
