/**
 * Spreading the printing over several machines: `build --shard K/N` prints
 * the K-th of N deterministic parts of the book's articles into a shard
 * folder, and `merge` assembles the final outputs from every shard's prints
 * on one machine (front matter, page numbers, bookmarks, article PDFs,
 * EPUB, site), printing no article itself.
 *
 * A shard folder holds `shard.json` (what was printed, from what) and
 * `prints/<key>.pdf`, one file per print job. A print's key covers
 * everything the print depends on (the tool, the stylesheet, the job's HTML
 * and page rules), so the merge uses a print only for exactly the job it
 * would have printed itself; and the manifest records the tool, config,
 * templates and articles the shard was built from, so a merge of shards
 * from different versions of the book fails with a message that says which
 * part differs instead of a missing print.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashOf } from './cache.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { Article } from './types.ts';

export interface Shard {
  /** 1-based. */
  k: number;
  n: number;
}

/** What a shard and its merge must agree on. */
export interface ShardSource {
  tool: string;
  config: string;
  templates: string;
  /** Article path → hash of the article and its images. */
  articles: Record<string, string>;
}

export interface ShardManifest extends ShardSource {
  kind: 'anthology-shard';
  version: 1;
  shard: Shard;
  /** Paths of the articles this shard printed. */
  printed: string[];
  prints: { key: string; file: string; article: string }[];
  browsers: string[];
}

export const MANIFEST = 'shard.json';

/** `"2/4"` → { k: 2, n: 4 }, or an error message. */
export function parseShard(text: string): Shard | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `--shard expects K/N, like 2/4 (the 2nd of 4 parts), found "${text}"`;
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) return `--shard ${text}: K must be between 1 and N`;
  return { k, n };
}

/**
 * The articles of each of `n` parts, by index: the longest articles first,
 * each to the part with the fewest characters so far (ties: the lower part).
 * The same articles give the same parts on every machine.
 */
export function shardParts(articles: readonly Pick<Article, 'characters' | 'path'>[], n: number): number[][] {
  const parts = Array.from({ length: n }, () => ({ weight: 0, items: [] as number[] }));
  const order = articles.map((a, i) => i).sort((a, b) => articles[b]!.characters - articles[a]!.characters || a - b);
  for (const i of order) {
    let best = parts[0]!;
    for (const p of parts) if (p.weight < best.weight) best = p;
    // Fixed cost per article (browser page, assembly) besides its length.
    best.weight += articles[i]!.characters + 2000;
    best.items.push(i);
  }
  return parts.map((p) => p.items.sort((a, b) => a - b));
}

/** The key of a print job: everything the printed PDF depends on, save the browser. */
export function printJobKey(base: string, job: { body: string; pageCss: string; lang: string; title: string; outline: boolean; fit?: object }): string {
  return hashOf(base, job.body, job.pageCss, job.lang, job.title, String(job.outline), JSON.stringify(job.fit ?? null));
}

/**
 * Reads the shard folders given to `merge` and checks that they are the N
 * parts of this very book. Returns the prints by key (absolute file
 * paths), or undefined after reporting why the shards cannot be merged.
 */
export async function readShards(dirs: readonly string[], source: ShardSource, diagnostics: Diagnostics): Promise<Map<string, string> | undefined> {
  if (!dirs.length) {
    diagnostics.error('merge', 'merge needs the shard folders written by `anthology build --shard K/N`');
    return undefined;
  }
  const manifests: { dir: string; m: ShardManifest }[] = [];
  for (const dir of dirs) {
    const file = path.join(dir, MANIFEST);
    let m: ShardManifest;
    try {
      m = JSON.parse(await readFile(file, 'utf8')) as ShardManifest;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      diagnostics.error('merge', code === 'ENOENT' ? `${dir} is not a shard folder: it has no ${MANIFEST} (shards are written by \`anthology build --shard K/N --out DIR\`)` : `Cannot read ${file}: ${(error as Error).message}`, code === 'ENOENT' ? {} : { file });
      return undefined;
    }
    if (m.kind !== 'anthology-shard' || m.version !== 1) {
      diagnostics.error('merge', `${file} is not a shard manifest this version of anthology can read`, { file });
      return undefined;
    }
    const differs = sourceDifference(m, source);
    if (differs) {
      diagnostics.error('merge', `Shard ${m.shard.k}/${m.shard.n} (${dir}) was built from ${differs}; build every shard and the merge from the same commit`, { file });
      return undefined;
    }
    manifests.push({ dir, m });
  }
  const n = manifests[0]!.m.shard.n;
  const other = manifests.find(({ m }) => m.shard.n !== n);
  if (other) {
    diagnostics.error('merge', `The shards are parts of different splits: ${manifests[0]!.dir} is one of ${n}, ${other.dir} one of ${other.m.shard.n}`);
    return undefined;
  }
  const byK = new Map<number, string>();
  for (const { dir, m } of manifests) {
    const seen = byK.get(m.shard.k);
    if (seen) {
      diagnostics.error('merge', `Shard ${m.shard.k}/${n} is given twice: ${seen} and ${dir}`);
      return undefined;
    }
    byK.set(m.shard.k, dir);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byK.has(k));
  if (missing.length) {
    diagnostics.error('merge', `Shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${n}`).join(', ')} missing: merge needs all ${n} parts`);
    return undefined;
  }
  const prints = new Map<string, string>();
  for (const { dir, m } of manifests) for (const p of m.prints) prints.set(p.key, path.resolve(dir, p.file));
  return prints;
}

/** What differs between a shard's source and this build's, in words, or undefined. */
function sourceDifference(m: ShardSource, source: ShardSource): string | undefined {
  if (m.tool !== source.tool) return 'another version of anthology';
  if (m.config !== source.config) return 'another book config';
  if (m.templates !== source.templates) return 'other templates';
  const changed = new Set<string>();
  for (const [p, h] of Object.entries(source.articles)) if (m.articles[p] !== h) changed.add(p);
  for (const p of Object.keys(m.articles)) if (!(p in source.articles)) changed.add(p);
  if (!changed.size) return undefined;
  const list = [...changed].sort();
  return `other articles (${list.length} differ${list.length === 1 ? 's' : ''}: ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''})`;
}
