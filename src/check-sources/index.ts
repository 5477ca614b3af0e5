/**
 * `anthology check-sources`: every `source` address in the articles' front
 * matter is asked whether it still answers (check.ts), a few at a time, each
 * address once however many articles name it. Run by hand, never by a build:
 * the build stays offline.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decode } from '../content/decode.ts';
import { findArticles } from '../content/find.ts';
import { parseFrontMatter, splitFrontMatter } from '../content/frontmatter.ts';
import { forEachLimit } from '../limit.ts';
import { checkSource, type CheckOptions, type SourceCheck, type SourceStatus } from './check.ts';

export type { SourceCheck, SourceStatus } from './check.ts';
export { checkSource } from './check.ts';

export interface SourceRef {
  /** Absolute path of the article. */
  file: string;
  /** Where `source:` is written. */
  line: number;
  column: number;
  url: string;
}

export interface SourceProblem {
  file: string;
  line?: number;
  message: string;
}

/** The `source` of every article in `root` (drafts too), in the articles' order; files whose front matter cannot be read, apart. */
export async function collectSources(root: string): Promise<{ sources: SourceRef[]; articles: number; problems: SourceProblem[] }> {
  const sources: SourceRef[] = [];
  const problems: SourceProblem[] = [];
  const files = await findArticles(root);
  for (const file of files) {
    const { yaml } = splitFrontMatter(decode(await readFile(file)).text);
    if (yaml === undefined) continue;
    const parsed = parseFrontMatter(yaml, file);
    if (!parsed.data) {
      const first = parsed.diagnostics.find((d) => d.severity === 'error');
      problems.push({ file, line: first?.line, message: `front matter has errors, its source is not checked: ${first?.message ?? 'unreadable'}` });
      continue;
    }
    const url = parsed.data.source;
    if (!url) continue;
    const at = parsed.valueAt?.(['source']) ?? { line: 1, column: 1 };
    sources.push({ file, line: at.line, column: at.column, url });
  }
  return { sources, articles: files.length, problems };
}

export interface CheckSourcesOptions extends Omit<CheckOptions, 'timeoutMs'> {
  /** Absolute path of the articles folder. */
  root: string;
  /** Per address; default 10 s. */
  timeoutMs?: number;
  /** Addresses checked at once; default 8. */
  concurrency?: number;
  /** Called as each address is done. */
  onResult?: (check: SourceCheck, done: number, total: number) => void;
}

export interface CheckedSource extends SourceRef {
  check: SourceCheck;
}

export interface CheckSourcesResult {
  /** Every source of every article, in the articles' order. */
  results: CheckedSource[];
  /** Articles in the folder. */
  articles: number;
  /** Different addresses asked. */
  addresses: number;
  counts: Record<SourceStatus, number>;
  problems: SourceProblem[];
  ms: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 8;

export async function checkSources(options: CheckSourcesOptions): Promise<CheckSourcesResult> {
  const started = performance.now();
  const { sources, articles, problems } = await collectSources(options.root);
  const urls = [...new Set(sources.map((s) => s.url))];
  const checks = new Map<string, SourceCheck>();
  let done = 0;
  await forEachLimit(urls, Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY), async (url) => {
    const check = await checkSource(url, { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    checks.set(url, check);
    options.onResult?.(check, ++done, urls.length);
  });
  const results = sources.map((s) => ({ ...s, check: checks.get(s.url)! }));
  const counts: Record<SourceStatus, number> = { ok: 0, moved: 0, gone: 0, other: 0, 'no-answer': 0 };
  for (const r of results) counts[r.check.status]++;
  return { results, articles, addresses: urls.length, counts, problems, ms: Math.round(performance.now() - started) };
}

/** `articles/a.md:4: gone https://… (404)`, one line per source. */
export function formatResult(r: CheckedSource, rel: (file: string) => string): string {
  const c = r.check;
  const where = `${rel(r.file)}:${r.line}`;
  const hops = c.redirects.map((h) => h.code).join(', ');
  switch (c.status) {
    case 'ok':
      return `${where}: ok ${c.url} (${c.code}${c.method === 'GET' ? ', GET' : ''})`;
    case 'moved':
      return `${where}: moved ${c.url} → ${c.location} (${hops}, then ${c.code})`;
    case 'gone':
      return `${where}: gone ${c.url} (${c.code}${c.location ? ` at ${c.location}, after ${hops}` : ''})`;
    case 'other':
      return `${where}: status ${c.code ?? '?'} ${c.url}${c.message ? ` (${c.message})` : c.location ? ` (at ${c.location}, after ${hops})` : ''}`;
    case 'no-answer':
      return `${where}: no answer ${c.url} (${c.message}${c.location ? `, at ${c.location}` : ''})`;
  }
}

export function relativeTo(cwd: string): (file: string) => string {
  return (file) => {
    const r = path.relative(cwd, file);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
  };
}
