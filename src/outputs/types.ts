/**
 * What every output gets and gives back. What only one output needs (the
 * PDFs' browser and shards, the EPUB's browser, the site's search index) is
 * that output's own options, next to it.
 */
import type { Cache } from '../cache.ts';
import type { Diagnostics } from '../diagnostics.ts';
import type { Progress } from '../progress.ts';
import type { Templates } from '../templates.ts';
import type { Book } from '../types.ts';
import type { ArticlePages } from './book-pages.ts';

export interface OutputContext {
  book: Book;
  templates: Templates;
  /** The staging folder: every output writes only below it. */
  outDir: string;
  diagnostics: Diagnostics;
  progress: Progress;
  /** Files written by the outputs that ran before, by path relative to `outDir`. */
  files: ReadonlyMap<string, OutputFile>;
  signal?: AbortSignal;
  /** The build cache, for outputs that keep expensive results (printed articles, downscaled images). */
  cache?: Cache;
}

export interface OutputFile {
  /** Path relative to the output folder, with `/`. */
  path: string;
  bytes: number;
  pages?: number;
  /** A line for the build summary (the print report's). */
  summary?: string;
  /** The anthology PDF: where each article is in it, for the outputs after it (book-pages.ts). */
  articles?: ArticlePages[];
}
