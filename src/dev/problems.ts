/**
 * Build problems as the dev server's pages show them: where (file:line:column,
 * relative to the folder the server runs in), what, and the lines around it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';

export interface ExcerptLine {
  number: number;
  /** The line, or for the problem's line the text before the column. */
  text: string;
  current: boolean;
  /** The problem's line: the character at the column, and the rest. */
  at?: string;
  after?: string;
}

export interface Problem {
  severity: 'error' | 'warning';
  /** `articles/a.md:3:7`, when the problem concerns a file. */
  where?: string;
  file?: string;
  line?: number;
  column?: number;
  message: string;
  rule: string;
  /** More text: the stack of an unexpected failure. */
  detail?: string;
  excerpt?: ExcerptLine[];
}

/**
 * A failure of the templates reaches the build as an unexpected error whose
 * text names the place (LiquidJS: `…, file:/x/site/article.liquid, line:3, col:5`):
 * give it its file, line and column.
 */
export function templateProblem(d: Diagnostic): Diagnostic {
  if (d.file || d.rule !== 'internal') return d;
  const m = /^(?:Unexpected failure: )?(?:\w*Error: )?(.*?), file:(.+?), line:(\d+), col:(\d+)/m.exec(d.message);
  if (!m) return d;
  return { ...d, rule: 'template', file: m[2], line: Number(m[3]), column: Number(m[4]), message: `Template error: ${m[1]}` };
}

export async function toProblems(items: readonly Diagnostic[], cwd: string, { excerpts = 20 } = {}): Promise<Problem[]> {
  const sorted = items.map(templateProblem).sort(compare);
  let withExcerpt = 0;
  return Promise.all(
    sorted.map(async (d) => {
      const [first = '', ...rest] = d.message.split('\n');
      const internal = d.rule === 'internal';
      const problem: Problem = {
        severity: d.severity,
        file: d.file,
        line: d.line,
        column: d.column,
        where: d.file ? `${relative(cwd, d.file)}:${d.line ?? 1}:${d.column ?? 1}` : undefined,
        message: internal ? first : d.message,
        rule: d.rule,
        detail: internal && rest.length ? rest.join('\n') : undefined,
      };
      if (d.file && d.line && d.severity === 'error' && withExcerpt++ < excerpts) problem.excerpt = await excerpt(d.file, d.line, d.column);
      return problem;
    }),
  );
}

function compare(a: Diagnostic, b: Diagnostic): number {
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

export function relative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** The lines around `line`, the character at `column` set apart. */
export async function excerpt(file: string, line: number, column: number | undefined, around = 2): Promise<ExcerptLine[] | undefined> {
  try {
    if ((await stat(file)).size > 4_000_000) return undefined;
    const lines = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
    if (line < 1 || line > lines.length) return undefined;
    const out: ExcerptLine[] = [];
    for (let n = Math.max(1, line - around); n <= Math.min(lines.length, line + around); n++) {
      const text = clip(lines[n - 1]!);
      if (n !== line) {
        out.push({ number: n, text, current: false });
        continue;
      }
      const chars = [...text];
      const col = Math.max(1, column ?? 1) - 1;
      out.push({ number: n, text: chars.slice(0, col).join(''), at: chars[col] ?? ' ', after: chars.slice(col + 1).join(''), current: true });
    }
    return out;
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > 400 ? text.slice(0, 400) + '…' : text;
}
