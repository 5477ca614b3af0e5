/**
 * Small path and address helpers shared by the build, the assets, the
 * Markdown stage and the dev server: whether a path lies inside a folder,
 * whether a folder exists, and decoding `%` escapes without throwing.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** True when `child` is `parent` or lies below it (by path: symbolic links are the caller's to resolve first). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Whether `p` is a folder (false when it does not exist or cannot be read). */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `%` escapes decoded; a malformed escape leaves the text as it is. */
export function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
