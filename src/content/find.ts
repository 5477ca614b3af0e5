/** Finds the Markdown files of an articles folder, recursively, in a stable order. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const MARKDOWN = /\.(md|markdown)$/i;
const SKIP = new Set(['node_modules', '.git']);

/** Absolute paths, sorted by their path relative to `root` (code-point order). */
export async function findArticles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_') || SKIP.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && MARKDOWN.test(entry.name) && !/^readme\.md$/i.test(entry.name)) found.push(full);
    }
  }
  await walk(root);
  return found.sort((a, b) => compareNatural(path.relative(root, a), path.relative(root, b)));
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order, so `issue-2.md` comes before `issue-10.md`. */
export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
