/**
 * The dev server's builds of the site: runs one into the output folder (HTML
 * only) and reports it, and keeps what the server knows of them — the state,
 * the last report, the last book that built, and whether the pages must
 * reload.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { build, type BuildResult } from '../build.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { Book } from '../types.ts';
import { templatesFolder } from './book-files.ts';
import { type Problem, toProblems } from './problems.ts';

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

/** The last build that succeeded: what the print preview lays out. */
export interface GoodBuild {
  book: Book;
  templatesDir: string;
  build: number;
}

export interface SiteBuildOptions {
  cwd: string;
  outDir: string;
  articles?: string;
  config?: string;
  drafts?: boolean;
  cache?: boolean | string;
}

export class SiteBuilds {
  private current: DevState = 'building';
  private lastReport: BuildReport | undefined;
  private lastGood: GoodBuild | undefined;
  private count = 0;
  /** What the pages show: a site (`ok:<build>`) or a set of problems (`error:<hash>`). */
  private signature = '';

  constructor(private readonly options: SiteBuildOptions) {}

  get state(): DevState {
    return this.current;
  }

  /** The last finished build. */
  get last(): BuildReport | undefined {
    return this.lastReport;
  }

  /** The last build that succeeded. */
  get good(): GoodBuild | undefined {
    return this.lastGood;
  }

  /** Marks a build as started; its number. */
  start(): number {
    this.current = 'building';
    return ++this.count;
  }

  /** Runs build number `number` (from start()); its report, or undefined when `signal` interrupted it. */
  async run(number: number, changed: string[], signal: AbortSignal): Promise<BuildReport | undefined> {
    const { cwd } = this.options;
    const started = performance.now();
    const dir = templatesFolder(cwd);
    let result: BuildResult | undefined;
    let thrown: Diagnostic | undefined;
    try {
      result = await build({
        cwd,
        articles: this.options.articles,
        config: this.options.config,
        out: this.options.outDir,
        formats: ['html'],
        drafts: this.options.drafts,
        cache: this.options.cache,
        signal,
      });
    } catch (error) {
      thrown = thrownProblem(error, dir);
    }
    if (signal.aborted) return undefined;
    const problems = await toProblems(thrown ? [thrown] : result!.diagnostics.items, cwd);
    const ok = Boolean(result?.ok);
    const upToDate = Boolean(result?.upToDate);
    if (ok && result?.book) this.lastGood = { book: result.book, templatesDir: dir, build: number };
    // The pages reload when what they show changed: a new site, or other problems.
    const next = ok ? (upToDate && this.signature.startsWith('ok') ? this.signature : `ok:${number}`) : `error:${hash(JSON.stringify(problems))}`;
    const reloaded = next !== this.signature && this.count > 1;
    this.signature = next;
    this.current = ok ? 'ok' : 'error';
    this.lastReport = {
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
    return this.lastReport;
  }

  /** Whether the site's pages show the problems instead (the last build failed). */
  get failing(): boolean {
    return this.current === 'error' || (this.current === 'building' && this.lastReport !== undefined && !this.lastReport.ok);
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

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
