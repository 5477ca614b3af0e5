/**
 * The same article twice: two articles of the book (or an imported page and
 * an article already in the folder) whose source addresses are the same once
 * normalised, or whose texts are nearly the same (fingerprint.ts). Each pair
 * is named once, with its similarity.
 */
import { similarPairs, fingerprint } from './fingerprint.ts';
import { normalizeUrl } from './normalize.ts';

/** Texts this alike (Jaccard similarity of their shingles) are the same article. */
export const SIMILARITY = 0.8;

export interface DuplicateCandidate {
  /** Who the article is, for messages: a path. */
  name: string;
  source?: string;
  text: string;
}

export interface Duplicate {
  /** Indices into the candidates, first < second. */
  first: number;
  second: number;
  /** `source`: the same address; `text`: nearly the same text. */
  kind: 'source' | 'text';
  /** 0–1; 1 for the same address. */
  similarity: number;
  /** The normalised address they share. */
  source?: string;
}

export function findDuplicates(items: readonly DuplicateCandidate[], threshold = SIMILARITY): Duplicate[] {
  const found = new Map<string, Duplicate>();
  const bySource = new Map<string, number>();
  items.forEach((item, i) => {
    const key = item.source && normalizeUrl(item.source);
    if (!key) return;
    const first = bySource.get(key);
    if (first === undefined) bySource.set(key, i);
    else found.set(`${first}:${i}`, { first, second: i, kind: 'source', similarity: 1, source: key });
  });
  const prints = items.map((item) => fingerprint(item.text));
  for (const [first, second, similarity] of similarPairs(prints, threshold)) {
    if (!found.has(`${first}:${second}`)) found.set(`${first}:${second}`, { first, second, kind: 'text', similarity });
  }
  return [...found.values()].sort((a, b) => a.first - b.first || a.second - b.second);
}

/** `93 %`, never `100 %` for texts that differ. */
export function percent(similarity: number): string {
  const p = Math.floor(similarity * 100);
  return `${similarity < 1 && p === 100 ? 99 : p} %`;
}
