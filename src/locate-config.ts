/**
 * Which book config belongs to a build. `--config` names one; without it,
 * `book.config.yaml` in the current folder, unless `--articles` names a
 * folder of another book: then the config of that book (in the folder, or
 * beside it in its parent folder), and never the current folder's config
 * when that one names other articles: the book is built with defaults
 * rather than with another book's title, language and output name.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CONFIG_NAMES } from './config.ts';

export interface ConfigChoice {
  /** The config file to use; undefined: none, every default. */
  file?: string;
  /**
   * The articles folder when `--articles` named a book's folder (one with a
   * config whose `articles` is a folder inside it) rather than the articles.
   */
  articles?: string;
  /** A config that was there but not used, since it is the config of other articles. */
  skipped?: { file: string; articles: string };
}

export function locateConfig(cwd: string, options: { config?: string; articles?: string }): ConfigChoice {
  if (options.config) return { file: path.resolve(cwd, options.config) };
  const here = configIn(cwd);
  if (!options.articles) return { file: here };
  const dir = path.resolve(cwd, options.articles);

  // 1. The articles folder's own config, or the book folder given instead of its articles.
  const inside = configIn(dir);
  if (inside) {
    const named = path.resolve(dir, articlesOf(inside));
    return same(named, dir) || !isFolder(named) ? { file: inside } : { file: inside, articles: named };
  }
  // 2. The config beside it, in its parent folder, if it is this folder's.
  const parent = path.dirname(dir);
  const beside = configIn(parent);
  if (beside && same(path.resolve(parent, articlesOf(beside)), dir)) return { file: beside };
  // 3. The current folder's config, if it is this folder's.
  if (here && here !== beside && same(path.resolve(cwd, articlesOf(here)), dir)) return { file: here };
  const other = here && here !== beside ? here : beside;
  return other ? { skipped: { file: other, articles: path.resolve(path.dirname(other), articlesOf(other)) } } : {};
}

function configIn(dir: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The `articles` a config names, read without validating the rest (the build does that). */
export function articlesOf(file: string): string {
  try {
    const value = parseDocument(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).get('articles');
    return typeof value === 'string' && value.trim() ? value : 'articles';
  } catch {
    return 'articles';
  }
}

function same(a: string, b: string): boolean {
  return real(a) === real(b);
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
