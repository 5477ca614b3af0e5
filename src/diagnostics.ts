/**
 * Problems found while building, each with the file and place it concerns.
 * Warnings let the build go on; errors make it fail after every problem has
 * been reported (never just the first).
 */
import path from 'node:path';
import type { VFileMessage } from 'vfile-message';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Absolute path of the file concerned, if any. */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  /** Short stable id of the rule, e.g. `link-missing`. */
  rule: string;
}

/** A failure that concerns a file; thrown by stages that cannot go on. */
export class BuildError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    super(first ? formatDiagnostic(first) : 'build failed');
    this.name = 'BuildError';
    this.diagnostics = diagnostics;
  }
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];
  /** Repeated warnings of one rule are summarised past this many. */
  private readonly perRuleLimit: number;
  private readonly counts = new Map<string, number>();

  constructor(options: { perRuleLimit?: number } = {}) {
    this.perRuleLimit = options.perRuleLimit ?? Infinity;
  }

  add(d: Diagnostic): void {
    this.items.push(d);
    this.counts.set(d.rule, (this.counts.get(d.rule) ?? 0) + 1);
  }

  error(rule: string, message: string, where: Place = {}): void {
    this.add({ severity: 'error', rule, message, ...where });
  }

  warn(rule: string, message: string, where: Place = {}): void {
    this.add({ severity: 'warning', rule, message, ...where });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /**
   * Lines to print: every error, and warnings up to `perRuleLimit` per rule,
   * then one line per rule saying how many more there were.
   */
  report(cwd = process.cwd()): string[] {
    const lines: string[] = [];
    const shown = new Map<string, number>();
    const sorted = [...this.items].sort(compareDiagnostics);
    for (const d of sorted) {
      if (d.severity === 'warning') {
        const n = (shown.get(d.rule) ?? 0) + 1;
        shown.set(d.rule, n);
        if (n > this.perRuleLimit) continue;
      }
      lines.push(formatDiagnostic(d, cwd));
    }
    for (const [rule, n] of shown) {
      const total = this.counts.get(rule) ?? n;
      if (total > this.perRuleLimit) {
        lines.push(`… and ${total - this.perRuleLimit} more warnings [${rule}] (use --verbose to list them all)`);
      }
    }
    return lines;
  }

  summary(): string {
    const e = this.errors.length;
    const w = this.warnings.length;
    return `${e} ${e === 1 ? 'error' : 'errors'}, ${w} ${w === 1 ? 'warning' : 'warnings'}`;
  }
}

/** The messages a unified processor left on a vfile, as diagnostics of `file`. */
export function fromVFileMessages(file: string, messages: readonly VFileMessage[]): Diagnostic[] {
  return messages.map((m) => ({
    severity: m.fatal ? 'error' : 'warning',
    file,
    line: m.line ?? undefined,
    column: m.column ?? undefined,
    message: m.reason,
    rule: m.ruleId ?? m.source ?? 'markdown',
  }));
}

export interface Place {
  file?: string;
  line?: number;
  column?: number;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.severity !== b.severity) return a.severity === 'error' ? -1 : 1;
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** `path:line:column: error|warning message [rule]`, path relative to cwd. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  let where = '';
  if (d.file) {
    const rel = path.relative(cwd, d.file);
    where = (rel && !rel.startsWith('..') ? rel : d.file) + ':' + (d.line ?? 1) + ':' + (d.column ?? 1) + ': ';
  }
  return `${where}${d.severity} ${d.message} [${d.rule}]`;
}
