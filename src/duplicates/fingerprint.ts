/**
 * Near-duplicate texts: a fingerprint is the set of hashed shingles (runs of
 * K characters) of the normalised text (normalize.ts); two texts are alike
 * by the Jaccard similarity of their sets. Candidates are found through a
 * sketch of each set, its SKETCH smallest hashes (the same shingles are
 * picked in every text, and nearly the same texts have nearly the same
 * sketch), so a book of hundreds of articles is compared in a fraction of a
 * second, and every candidate is then measured on its whole set.
 */
import { normalizedCodes } from './normalize.ts';

/** Characters per shingle. */
const K = 6;
/** Hashes in a sketch. */
const SKETCH = 64;
/** Texts with fewer shingles than this are not compared (a sentence or two say too little). */
const MIN_SHINGLES = 40;
/** A sampled shingle found in more texts than this is boilerplate (a newsletter's masthead), no sign that two are one. */
const COMMON = 32;

const BASE = 0x01000193;
/** BASE^(K-1) mod 2^32: the weight of the character that leaves the window. */
const BASE_K = (() => {
  let p = 1;
  for (let j = 1; j < K; j++) p = Math.imul(p, BASE);
  return p;
})();

/** Murmur3's finaliser: every bit of the input moves the high bits. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Fingerprint {
  private set?: Uint32Array;
  /** The SKETCH smallest hashes, sorted (all of them for a short text); empty for a text too short to compare. */
  readonly sample: Uint32Array;

  /** `hashes`: every shingle's hash, in text order. */
  constructor(private readonly hashes: Uint32Array) {
    this.sample = hashes.length < MIN_SHINGLES ? new Uint32Array(0) : sketch(hashes);
  }

  /** Every shingle, sorted and each once (worked out when first needed: only candidates are measured). */
  get shingles(): Uint32Array {
    return (this.set ??= unique(Uint32Array.from(this.hashes).sort()));
  }
}

/** The SKETCH smallest distinct hashes: looked for below a bound that grows until there are enough (no full sort of a long text). */
function sketch(hashes: Uint32Array): Uint32Array {
  for (let shift = 26; shift <= 32; shift += 2) {
    const bound = 2 ** shift;
    const below = shift === 32 ? Uint32Array.from(hashes) : hashes.filter((h) => h < bound);
    const set = unique(below.sort());
    if (set.length >= SKETCH || shift === 32) return set.subarray(0, SKETCH);
  }
  return new Uint32Array(0);
}

function unique(sorted: Uint32Array): Uint32Array {
  let w = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[w - 1]) sorted[w++] = sorted[i]!;
  return sorted.subarray(0, w);
}

/** The fingerprint of a text (any script; whitespace, punctuation, case and Traditional/Simplified ignored). */
export function fingerprint(text: string): Fingerprint {
  const chars = normalizedCodes(text);
  const n = chars.length - K + 1;
  if (n <= 0) return new Fingerprint(new Uint32Array(0));
  const hashes = new Uint32Array(n);
  // A polynomial rolling hash of the K code points (mod 2^32), mixed so that its high bits sample well.
  let h = 0;
  for (let j = 0; j < K; j++) h = (Math.imul(h, BASE) + chars[j]!) | 0;
  for (let i = 0; ; i++) {
    hashes[i] = mix(h);
    if (i + 1 >= n) break;
    h = (Math.imul(h - Math.imul(chars[i]!, BASE_K), BASE) + chars[i + K]!) | 0;
  }
  return new Fingerprint(hashes);
}

/** Jaccard similarity of two sorted sets, 0–1. */
function jaccard(x: Uint32Array, y: Uint32Array): number {
  if (!x.length || !y.length) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < x.length && j < y.length) {
    if (x[i]! === y[j]!) {
      shared++;
      i++;
      j++;
    } else if (x[i]! < y[j]!) i++;
    else j++;
  }
  return shared / (x.length + y.length - shared);
}

/** How alike two texts are: the Jaccard similarity of their shingles, 0–1. */
export function similarity(a: Fingerprint, b: Fingerprint): number {
  return jaccard(a.shingles, b.shingles);
}

/**
 * Pairs of fingerprints at least `threshold` alike, as indices `[i, j, similarity]`
 * with i < j, in order of i then j.
 */
export function similarPairs(prints: readonly Fingerprint[], threshold: number): [number, number, number][] {
  const n = prints.length;
  // 1. The sampled shingles → the texts that have them.
  const postings = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    for (const h of prints[i]!.sample) {
      const list = postings.get(h);
      if (list) list.push(i);
      else postings.set(h, [i]);
    }
  }
  // 2. Pairs that share rare hashes of their sketches, counted.
  const rare = new Uint32Array(n);
  const pairs = new Map<number, number>();
  for (const list of postings.values()) {
    if (list.length > COMMON) continue;
    for (const i of list) rare[i]!++;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const key = list[a]! * n + list[b]!;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  // 3. Candidates whose sketches are mostly shared, measured on every shingle.
  const out: [number, number, number][] = [];
  for (const [key, shared] of pairs) {
    const i = Math.floor(key / n);
    const j = key % n;
    if (shared < 0.5 * threshold * Math.min(rare[i]!, rare[j]!)) continue;
    const s = similarity(prints[i]!, prints[j]!);
    if (s >= threshold) out.push([i, j, s]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
