/**
 * The `anthology` command: parses arguments, calls `build()`, prints
 * problems, progress and a summary, and chooses the exit code
 * (0 success, 1 build errors, 2 usage errors).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BuildResult, Format } from './build.ts';
import type { OutputFile } from './outputs/types.ts';
import { EPUB_PROFILES, type EpubProfile } from './outputs/epub/profile.ts';
import { formatBytes } from './format.ts';
import { parseShard, type Shard } from './shard.ts';
import { parseEditionSpec } from './editions/edition.ts';
import type { Progress } from './progress.ts';

const HELP = `Usage: anthology build [options]
       anthology build --shard K/N [--out DIR] [options]
       anthology merge SHARD_DIR… [options]
       anthology import FILE… [--out DIR] [--dry-run] [--force]
       anthology check-sources [--articles DIR] [--timeout S] [--concurrency N] [--json]
       anthology dev [--articles DIR] [--config FILE] [--port N] [--host ADDR] [--open] [--drafts]

Turns a folder of Markdown articles into a website, PDFs and an EPUB.
\`import\` turns saved web pages (.html) and copied text (.txt) into articles.
\`check-sources\` asks every article's \`source\` address whether it still answers.
\`build --shard K/N\` prints only the K-th of N parts of the articles into a shard
folder (default: <output dir>-shard-K-of-N), so that N machines can share the
printing; \`merge\` makes every output from all N shard folders, printing no article.

Options:
  --articles DIR      articles folder (default: the config's "articles", else ./articles)
  --out DIR           output folder (default: the config's "output.dir", else ./dist)
  --config FILE       book config (default: book.config.yaml in the --articles folder or
                      beside it; else ./book.config.yaml, if it is for the same articles)
  --format LIST       outputs to build, comma-separated: html,pdf,epub (default: all)
  --epub-profile P    standard (every EPUB 3 reading system, the default) or kindle
                      (for Send to Kindle and KDP); also \`epub.profile\` in the config
  --drafts            include articles marked "draft: true"
  --print             also write the print edition beside the screen PDF: <name>-print.pdf
                      (bleed, black links, the gutter for its page count), <name>-cover.pdf
                      (back, spine, front) and <name>-print-report.txt; also \`print:\` in the config
  --edition SPEC      also write an edition into <out>/<id>/: zh-Hant, zh-Hant-TW, zh-Hant-HK or
                      zh-Hans (the text converted, phrase by phrase), with :vertical to set it
                      vertically (zh-Hant:vertical), or vertical alone; repeatable; also \`editions:\`
  --strict            treat warnings as errors (for CI)
  --shard K/N         print the K-th of N parts of the articles (see above)
  --browser-ws URL    print on a remote Chrome instead of a local one: ws://…, wss://… or
                      http://host:port (Chrome with --remote-debugging-port, browserless);
                      repeat it to spread the jobs over several (or ANTHOLOGY_BROWSER_WS=URL,URL)
  --no-cache          ignore and do not write the build cache (.cache/anthology)
  --cache-dir DIR     keep the build cache in DIR
  --fetch-images      download remote images into the PDFs and the EPUB (cached in
                      .cache/anthology/images; 15 s and 10 MB per image at most)
  --image-cache DIR   where downloaded images are kept
  --fetch-private-images  also download from this machine and private networks
  --quiet             print only problems and the final line
  --verbose           list every warning instead of a summary per kind
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 built (warnings allowed), 1 an article or the config has an error, 2 usage error.
`;

export async function main(argv: string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process): Promise<number> {
  if (argv[0] === 'dev') {
    const { runDev } = await import('./dev/cli.ts');
    return runDev(argv.slice(1), io);
  }
  if (argv[0] === 'import') {
    const { runImport } = await import('./import/cli.ts');
    return runImport(argv.slice(1), io);
  }
  if (argv[0] === 'check-sources') {
    const { runCheckSources } = await import('./check-sources/cli.ts');
    return runCheckSources(argv.slice(1), io);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        articles: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string' },
        'epub-profile': { type: 'string' },
        shard: { type: 'string' },
        'browser-ws': { type: 'string', multiple: true },
        edition: { type: 'string', multiple: true },
        drafts: { type: 'boolean' },
        print: { type: 'boolean' },
        strict: { type: 'boolean' },
        'fetch-images': { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'cache-dir': { type: 'string' },
        'image-cache': { type: 'string' },
        'fetch-private-images': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(version() + '\n');
    return 0;
  }
  const [command = 'build', ...extra] = positionals;
  // The pipeline is loaded only when there is work to do, so --help stays quick.
  const { build, FORMATS } = await import('./build.ts');
  if (command !== 'build' && command !== 'merge') return usage(io, `unknown command "${command}"`);
  if (command === 'build' && extra.length) return usage(io, `unexpected argument "${extra[0]}"`);
  if (command === 'merge' && !extra.length) return usage(io, 'merge needs the shard folders, like: anthology merge dist-shard-1-of-2 dist-shard-2-of-2');
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    if (command === 'merge') return usage(io, '--shard belongs to build, not merge');
    if (values.format !== undefined) return usage(io, '--shard prints PDFs only; the merge makes every format, so --format goes with merge');
    const parsedShard = parseShard(values.shard);
    if (typeof parsedShard === 'string') return usage(io, parsedShard);
    shard = parsedShard;
  }
  let formats: Format[] | undefined;
  if (values.format !== undefined) {
    const list = values.format.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = list.find((f) => !FORMATS.includes(f as Format));
    if (bad || list.length === 0) return usage(io, `--format expects a comma-separated list of ${FORMATS.join(', ')}${bad ? `, found "${bad}"` : ''}`);
    formats = list as Format[];
  }
  const epubProfile = values['epub-profile'];
  if (epubProfile !== undefined && !(EPUB_PROFILES as readonly string[]).includes(epubProfile)) {
    return usage(io, `--epub-profile expects one of ${EPUB_PROFILES.join(', ')}, found "${epubProfile}"`);
  }
  const editions = [];
  for (const spec of values.edition ?? []) {
    const edition = parseEditionSpec(spec);
    if (typeof edition === 'string') return usage(io, edition);
    editions.push(edition);
  }
  const browserWs = values['browser-ws'] ?? (process.env.ANTHOLOGY_BROWSER_WS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const badWs = browserWs.find((url) => !/^(wss?|https?):\/\/[^/]/i.test(url));
  if (badWs !== undefined) return usage(io, `--browser-ws (or ANTHOLOGY_BROWSER_WS) expects ws://…, wss://… or http://host:port, found "${badWs}"`);

  const started = performance.now();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    io.stderr.write(`\nanthology: ${signal} received, stopping; the output folder is left as it was\n`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = values.quiet ? undefined : createProgress(io.stderr);
  let result;
  try {
    result = await build({
      articles: values.articles,
      out: values.out,
      config: values.config,
      formats,
      drafts: values.drafts,
      ...(values.print ? { print: true } : {}),
      ...(editions.length ? { editions } : {}),
      strict: values.strict,
      epubProfile: epubProfile as EpubProfile | undefined,
      progress,
      signal: controller.signal,
      warningLimit: values.verbose ? Infinity : 5,
      cache: values['no-cache'] ? false : values['cache-dir'],
      shard,
      merge: command === 'merge' ? extra : undefined,
      browserWs: browserWs.length ? browserWs : undefined,
      fetchImages:
        values['fetch-images'] || values['fetch-private-images']
          ? { cacheDir: values['image-cache'] ? path.resolve(values['image-cache']) : undefined, allowPrivate: values['fetch-private-images'] }
          : undefined,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  progress?.clear();

  const lines = result.diagnostics.report();
  if (lines.length) io.stderr.write(lines.join('\n') + '\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!result.ok) {
    io.stderr.write(`anthology: build failed (${result.diagnostics.summary()}); nothing was written\n`);
    return controller.signal.aborted ? 130 : 1;
  }
  if (result.upToDate) io.stdout.write(`anthology: ${rel(result.outDir!)} is up to date: nothing changed since the last build (${seconds}s; --no-cache builds anyway)\n`);
  else if (!values.quiet) io.stdout.write(summary(result, seconds, shard));
  else io.stdout.write(summary(result, seconds, shard).split('\n')[0] + '\n');
  return 0;
}

function usage(io: { stderr: NodeJS.WriteStream }, message: string): number {
  io.stderr.write(`anthology: ${message}\n\n${HELP}`);
  return 2;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

function summary(result: BuildResult, seconds: string, shard?: Shard): string {
  const out = result.outDir!;
  const editions = result.editions ?? [];
  // An edition's files are listed on its own line.
  const files = result.files.filter((f) => !editions.some((id) => f.path.startsWith(`${id}/`)));
  const html = files.filter((f) => f.path.endsWith('.html'));
  const pdfs = files.filter((f) => f.path.startsWith('pdf/') && f.path.endsWith('.pdf'));
  const top = files.filter((f) => !f.path.includes('/') && /\.(pdf|epub)$/.test(f.path));
  const n = result.book?.articles.length ?? 0;
  const what = shard ? `printed part ${shard.k}/${shard.n} of the ${n} articles` : `built ${n} articles`;
  const lines = [`anthology: ${what} into ${rel(out)} in ${seconds}s (${result.diagnostics.summary()})`];
  lines.push(`  config    ${configLine(result)}`);
  if (html.length) lines.push(`  site      ${html.length} pages, ${formatBytes(sum(files.filter((f) => !/\.(pdf|epub)$/.test(f.path))))} with assets`);
  if (pdfs.length) lines.push(`  pdf/      ${pdfs.length} article PDFs, ${sum(pdfs, 'pages')} pages, ${formatBytes(sum(pdfs))}`);
  for (const f of top) lines.push(`  ${f.path.padEnd(9)} ${f.pages ? `${f.pages} pages, ` : ''}${formatBytes(f.bytes)}`);
  for (const f of files.filter((f) => f.summary)) lines.push(`  print     ${f.summary} (${f.path})`);
  const prints = files.filter((f) => f.path.startsWith('prints/'));
  if (prints.length) lines.push(`  prints/   ${prints.length} prints, ${sum(prints, 'pages')} pages, ${formatBytes(sum(prints))}: a shard, for \`anthology merge\``);
  const remote = result.book?.articles.reduce((n, a) => n + a.remoteImages, 0) ?? 0;
  if (remote) {
    const where = result.book!.articles.filter((a) => a.remoteImages > 0).length;
    lines.push(`  remote    ${plural(remote, 'image')} at web addresses in ${plural(where, 'article')}: the site loads them from the web; PDF and EPUB show a placeholder; nothing is downloaded at build time`);
  }
  const marks = result.book?.articles.reduce((n, a) => n + (a.fullwidthPunctuation ?? 0), 0) ?? 0;
  if (marks) lines.push(`  typography ${plural(marks, 'ASCII punctuation mark')} in Chinese text made full-width (typography.punctuation: keep to turn off)`);
  for (const id of editions) lines.push(`  ${`${id}/`.padEnd(9)} ${editionLine(result.files.filter((f) => f.path.startsWith(`${id}/`)).map((f) => ({ ...f, path: f.path.slice(id.length + 1) })))}`);
  lines.push('  time      ' + result.timings.map((t) => `${t.stage} ${(t.ms / 1000).toFixed(1)}s`).join(', '));
  return lines.join('\n') + '\n';
}

/** An edition's outputs in one line: `site 14 pages, 7 article PDFs, paper-and-screen-zh-Hant.pdf 96 pages, … .epub 1.2 MB`. */
function editionLine(files: OutputFile[]): string {
  const html = files.filter((f) => f.path.endsWith('.html')).length;
  const pdfs = files.filter((f) => f.path.startsWith('pdf/') && f.path.endsWith('.pdf'));
  const top = files.filter((f) => !f.path.includes('/') && /\.(pdf|epub)$/.test(f.path));
  return [
    html ? `site ${html} pages` : '',
    pdfs.length ? `${pdfs.length} article PDFs` : '',
    ...top.map((f) => `${f.path} ${f.pages ? `${f.pages} pages, ` : ''}${formatBytes(f.bytes)}`),
  ]
    .filter(Boolean)
    .join(', ');
}

/** Which book config the build used, and why not the one that is there when it did not. */
function configLine(result: BuildResult): string {
  const { file, articles, skipped } = result.config;
  if (file) return `${rel(file)}${articles ? `, articles in ${rel(articles)}` : ''}`;
  if (!skipped) return 'none, every default';
  const mine = result.book ? ` and not to ${rel(result.book.root)}` : '';
  return `none, every default (${rel(skipped.file)} belongs to ${rel(skipped.articles)}${mine}; --config ${rel(skipped.file)} uses it anyway)`;
}

function sum(files: { bytes: number; pages?: number }[], key: 'bytes' | 'pages' = 'bytes'): number {
  return files.reduce((n, f) => n + (f[key] ?? 0), 0);
}

/** A live status line on a terminal; one line per stage elsewhere (CI, pipes). */
function createProgress(stream: NodeJS.WriteStream): Progress & { clear(): void } {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  const started = new Map<string, number>();
  let lastDraw = 0;
  let drawn = false;
  const elapsed = (stage: string) => (((performance.now() - (started.get(stage) ?? performance.now())) / 1000).toFixed(1) + 's');
  return {
    start(stage, total) {
      started.set(stage, performance.now());
      if (!live) stream.write(`anthology: ${stage}${total ? ` (${total})` : ''}…\n`);
    },
    tick(stage, done, total) {
      if (!live) return;
      const now = performance.now();
      if (now - lastDraw < 80 && done !== total) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\x1b[2K${stage} ${done}${total ? `/${total}` : ''}  ${elapsed(stage)}`);
    },
    end(stage, detail) {
      if (live && drawn) stream.write('\r\x1b[2K');
      drawn = false;
      if (!live) stream.write(`anthology: ${stage} done${detail ? `: ${detail}` : ''} (${elapsed(stage)})\n`);
      else stream.write(`✓ ${stage}${detail ? `: ${detail}` : ''} (${elapsed(stage)})\n`);
    },
    clear() {
      if (live && drawn) stream.write('\r\x1b[2K');
    },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
