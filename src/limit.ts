/**
 * Running async work a few at a time: `forEachLimit` over a list (in order,
 * stopping at the first failure), `createLimit` for jobs that come one by one.
 */

/** Runs fn over items with at most `limit` at a time, in order of index; rejects with the first failure, starting nothing after it. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A gate that lets at most `n` jobs run at once, the others waiting their turn. */
export function createLimit(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    while (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
