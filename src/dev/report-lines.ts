/**
 * What the terminal says about a build of the dev server: one line (what
 * changed, the outcome, the time), then one line per problem.
 */
import { existsSync } from 'node:fs';
import type { BuildReport } from './builds.ts';
import { relative } from './problems.ts';

export function reportLines(r: BuildReport, cwd: string): string[] {
  const time = r.finishedAt.toTimeString().slice(0, 8);
  // Editors write temporary files on the way: name the files that are there.
  const shown = r.changed.filter((f) => existsSync(f));
  const named = shown.length ? shown : r.changed;
  const what = named.length ? `${relative(cwd, named[0]!)}${named.length > 1 ? ` and ${named.length - 1} more` : ''} changed: ` : '';
  const counts = `${plural(r.errors.length, 'error')}, ${plural(r.warnings.length, 'warning')}`;
  const seconds = (r.ms / 1000).toFixed(1);
  let head: string;
  if (!r.ok) {
    head = `${time} ${what}build failed in ${seconds}s (${counts}); the pages show the problems`;
  } else if (r.upToDate) {
    head = `${time} ${what}nothing to rebuild (${counts})`;
  } else {
    const arts = r.build === 1 ? `${plural(r.articles.total, 'article')}` : `${r.articles.processed} of ${plural(r.articles.total, 'article')} processed`;
    head = `${time} ${what}${r.build === 1 ? 'built' : 'rebuilt'} in ${seconds}s (${arts}; ${counts})${r.reloaded ? ', pages reloaded' : ''}`;
  }
  return [head, ...[...r.errors, ...r.warnings].map((p) => `  ${p.where ? p.where + ': ' : ''}${p.severity} ${p.message} [${p.rule}]`)];
}

/** `1 error`, `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
