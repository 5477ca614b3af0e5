/**
 * `anthology import FILE… [--out DIR] [--dry-run] [--force]`: parses the
 * arguments, calls `importFiles()`, prints what was (or would be) written and
 * every problem, and chooses the exit code (0 all imported, 1 a file failed,
 * 2 usage error).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ImportedFile, importFiles } from './index.ts';

export const IMPORT_HELP = `Usage: anthology import FILE… [options]

Turns saved web pages (.html) and text copied from web pages (.txt; UTF-8,
GBK/GB18030 or Big5) into Markdown articles with front matter. Each file
imported is kept as it was in _originals/ inside the articles folder (never
published), with a record of its SHA-256, its name and the date of the
import; the article's \`original\` points at it. An article that is already
in the folder (the same source, or nearly the same text) is a warning.

Options:
  --out DIR     folder to write the articles into (default: articles)
  --dry-run     print what would be written (path and Markdown); write nothing
  --force       replace articles that already exist (default: refuse)
  -h, --help    show this help

Exit codes: 0 all imported, 1 a file could not be imported, 2 usage error.
`;

export interface ImportIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runImport(argv: string[], io: ImportIO = process, cwd = process.cwd()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        'dry-run': { type: 'boolean', short: 'n' },
        force: { type: 'boolean', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(IMPORT_HELP);
    return 0;
  }
  if (!positionals.length) return usage(io, 'import needs at least one file to import');
  if (values.out !== undefined && !values.out.trim()) return usage(io, '--out needs a folder');

  const dryRun = values['dry-run'] ?? false;
  const result = await importFiles(positionals, { out: values.out ?? 'articles', dryRun, force: values.force ?? false, cwd });
  const rel = (file: string) => {
    const r = path.relative(cwd, file);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
  };

  for (const f of result.files) {
    if (dryRun) {
      io.stdout.write(`==> ${rel(f.output)} (from ${rel(f.input)}, ${f.kind}, ${f.encoding})\n${f.markdown}`);
      io.stdout.write(`  original: ${rel(originalPath(f))} (sha256 ${f.original.sha256})\n`);
      for (const line of f.dropped) io.stdout.write(`  dropped: ${line}\n`);
      io.stdout.write('\n');
    } else {
      const dropped = f.dropped.length ? `; ${f.dropped.length} ${f.dropped.length === 1 ? 'line' : 'lines'} left out` : '';
      io.stdout.write(`wrote ${rel(f.output)} (from ${rel(f.input)}, ${f.kind}, ${f.encoding}${dropped}; original kept as ${rel(originalPath(f))})\n`);
    }
  }
  // `path: error message [rule]`: an import problem concerns a whole file, not a line of it.
  const lines = result.diagnostics.map((d) => `${d.file ? rel(d.file) + ': ' : ''}${d.severity} ${d.message} [${d.rule}]`);
  if (lines.length) io.stderr.write(lines.join('\n') + '\n');
  const failed = result.diagnostics.filter((d) => d.severity === 'error').length;
  const done = result.files.length;
  const verb = dryRun ? 'would write' : 'wrote';
  io.stderr.write(`anthology import: ${verb} ${done} ${done === 1 ? 'article' : 'articles'}${failed ? `, ${failed} ${failed === 1 ? 'file' : 'files'} failed` : ''}${dryRun ? ' (dry run: nothing written)' : ''}\n`);
  return result.ok ? 0 : 1;
}

function originalPath(f: ImportedFile): string {
  return path.join(path.dirname(f.output), ...f.original.file.split('/'));
}

function usage(io: ImportIO, message: string): number {
  io.stderr.write(`anthology import: ${message}\n\n${IMPORT_HELP}`);
  return 2;
}
