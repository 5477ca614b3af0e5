/**
 * Which files the dev server's builds read, to watch them: the book config,
 * the articles folder and the templates folder in use (the book's own, else
 * the tool's).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TOOL_ROOT } from '../build.ts';
import { loadConfig } from '../config.ts';
import { locateConfig } from '../locate-config.ts';
import { relative } from './problems.ts';
import type { WatchTarget } from './watch.ts';
import { isDir, isInside } from '../paths.ts';

/** The templates the build uses: the book's own `templates/` folder, else the tool's. */
export function templatesFolder(cwd: string): string {
  return isDir(path.join(cwd, 'templates')) ? path.join(cwd, 'templates') : path.join(TOOL_ROOT, 'templates');
}

export interface BookFiles {
  targets: WatchTarget[];
  /** What is watched, for people, relative to `cwd`: the config, the articles folder, the templates. */
  shown: string[];
}

/**
 * What to watch for a build in `cwd` with these options; `root` is the
 * articles folder of the last build that succeeded, when there is one.
 */
export async function bookFiles(cwd: string, options: { articles?: string; config?: string }, root?: string): Promise<BookFiles> {
  // The config the build uses (src/locate-config.ts): the --articles folder's own, if it has one.
  const choice = locateConfig(cwd, options);
  const { config } = choice.file ? await loadConfig(cwd, choice.file).catch(() => ({ config: undefined })) : { config: undefined };
  const configFile = choice.file ?? path.join(cwd, 'book.config.yaml');
  root ??= choice.articles ?? (options.articles ? path.resolve(cwd, options.articles) : config ? path.resolve(config.base, config.articles) : path.join(cwd, 'articles'));
  const templates = templatesFolder(cwd);
  const own = templates === path.join(TOOL_ROOT, 'templates') && !isInside(TOOL_ROOT, cwd);
  const shown = [
    ...(existsSync(configFile) ? [relative(cwd, configFile)] : []),
    `${relative(cwd, root)}/${isDir(root) ? '' : ' (not there yet)'}`,
    own ? "anthology's own templates/" : `${relative(cwd, templates)}/`,
  ];
  // A folder that is not there yet is watched for from its parent; so is a templates folder of the book's own.
  const targets: WatchTarget[] = [{ path: configFile, kind: 'file' }];
  for (const folder of [root, templates]) targets.push({ path: folder, kind: isDir(folder) ? 'folder' : 'file' });
  if (!isDir(path.join(cwd, 'templates'))) targets.push({ path: path.join(cwd, 'templates'), kind: 'file' });
  return { targets, shown };
}

