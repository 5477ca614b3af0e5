/**
 * Duplicates at build time: every pair of articles of the book that are the
 * same article (find.ts) is a warning on the second, naming the first and
 * how alike they are (`--strict` makes it an error). Read from the sources
 * as written, so a build whose articles all come from the cache pays only
 * for the comparison.
 */
import type { Diagnostics } from '../diagnostics.ts';
import { findDuplicates, percent } from './find.ts';

export interface DuplicateSource {
  /** Path relative to the articles folder. */
  path: string;
  file: string;
  /** The front matter's `source`, and where it is written. */
  source?: string;
  sourceAt?: { line: number; column: number };
  /** The Markdown body. */
  text: string;
}

export const DUPLICATE_RULE = 'article-duplicate';

export function reportDuplicates(sources: readonly DuplicateSource[], diagnostics: Diagnostics): void {
  for (const d of findDuplicates(sources.map((s) => ({ name: s.path, source: s.source, text: s.text })))) {
    const first = sources[d.first]!;
    const second = sources[d.second]!;
    if (d.kind === 'source') {
      diagnostics.warn(
        DUPLICATE_RULE,
        `Duplicate article: ${second.path} and ${first.path} come from the same source (${d.source}); leave one of them out, or start its file name with "_"`,
        { file: second.file, ...(second.sourceAt ?? { line: 1, column: 1 }) },
      );
    } else {
      diagnostics.warn(
        DUPLICATE_RULE,
        `Duplicate article: ${second.path} and ${first.path} have nearly the same text (${percent(d.similarity)} alike, not counting spacing, punctuation and Traditional or Simplified characters); leave one of them out, or start its file name with "_"`,
        { file: second.file, line: 1, column: 1 },
      );
    }
  }
}
