/** What every output gets and gives back. */
import type { Cache } from '../cache.ts';
import type { Diagnostics } from '../diagnostics.ts';
import type { Progress } from '../progress.ts';
import type { Shard, ShardSource } from '../shard.ts';
import type { Templates } from '../templates.ts';
import type { Book } from '../types.ts';
import type { SharedBrowser } from './shared-browser.ts';
import type { StartedSearch } from './site.ts';

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
  /** The build's one browser, launched on first use (see shared-browser.ts). Absent: an output launches and closes its own. */
  browser?: SharedBrowser;
  /** The build cache, for outputs that keep expensive results (printed articles). */
  cache?: Cache;
  /** Print only this part of the articles, into a shard folder (see src/shard.ts). */
  shard?: Shard & { source: ShardSource };
  /** The search index, started by the build before the outputs so that it fills while they run (see site.ts). */
  search?: Promise<StartedSearch | undefined>;
  /** Merging shards: the printed articles by print key (files); an article with no print here is an error. */
  prints?: ReadonlyMap<string, string>;
}

export interface OutputFile {
  /** Path relative to the output folder, with `/`. */
  path: string;
  bytes: number;
  pages?: number;
}
