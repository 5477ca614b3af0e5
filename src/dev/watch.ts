/**
 * Watching the files a book is built from, for `anthology dev`.
 *
 * Node's own `fs.watch`, no dependency. On macOS and Windows a folder is
 * watched with everything below it by the system (`recursive: true`). On
 * Linux, Node 20's `recursive` watches each file, and loses a file that an
 * editor saves by writing a new one and renaming it over the old (vim, sed
 * -i, many IDEs): there every folder is watched instead (inotify reports
 * what happens to the names in it), and folders that appear are added.
 *
 * Editors save in bursts (a temporary file, a rename, a second write), so
 * events are gathered and reported together once nothing has happened for
 * `debounceMs`.
 */
import { type FSWatcher, readdirSync, watch } from 'node:fs';
import path from 'node:path';
import { isDir } from '../paths.ts';

export interface WatchTarget {
  /** A folder (watched with everything below it) or a single file (its folder is watched, filtered by name). */
  path: string;
  kind: 'folder' | 'file';
}

export interface Watcher {
  /** Watches these targets instead, keeping the watchers that did not change (and looking again for those that were missing). */
  update(targets: readonly WatchTarget[]): void;
  close(): void;
}

export interface WatchOptions {
  /** Quiet time before a burst of events is reported (default 100 ms). */
  debounceMs?: number;
}

/**
 * Files whose changes never matter: hidden files and folders (`.git`,
 * `.cache`, editor state), editor backups and swap files, node_modules.
 */
export function ignoredPath(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return true;
  // vim: foo.swp, foo~, and the "4913" file it writes to test a folder; emacs: #foo#.
  return /~$|\.sw[a-p]$|^4913$|^#.*#$/.test(name);
}

/** Watches folders and files and calls `onChange` with the changed paths after each burst of changes. */
export function watchFiles(targets: readonly WatchTarget[], onChange: (files: string[]) => void, options: WatchOptions = {}): Watcher {
  const debounceMs = options.debounceMs ?? 100;
  const watchers = new Map<string, { target: WatchTarget; watcher: { close(): void } }>();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const report = (file: string) => {
    if (closed) return;
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed = new Set();
      onChange(files);
    }, debounceMs);
  };

  const key = (t: WatchTarget) => `${t.kind}:${t.path}`;
  const open = (target: WatchTarget) => {
    const handle = target.kind === 'folder' && !NATIVE_RECURSIVE ? watchTree(target, report, () => drop(target)) : watchOne(target, report, () => drop(target));
    if (handle) watchers.set(key(target), { target, watcher: handle });
  };
  // A watched folder went away (deleted, renamed): `update` looks for it again.
  const drop = (target: WatchTarget) => {
    watchers.get(key(target))?.watcher.close();
    watchers.delete(key(target));
    report(target.path);
  };

  const update = (next: readonly WatchTarget[]) => {
    if (closed) return;
    const wanted = new Set(next.map(key));
    for (const [k, w] of watchers) {
      if (!wanted.has(k)) {
        w.watcher.close();
        watchers.delete(k);
      }
    }
    for (const t of next) if (!watchers.has(key(t))) open(t);
  };
  update(targets);

  return {
    update,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.watcher.close();
      watchers.clear();
    },
  };
}

/** Where the system watches a whole tree itself. */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';

/** A file (through its folder), or a folder with the system's recursive watching. */
function watchOne(target: WatchTarget, report: (file: string) => void, gone: () => void): { close(): void } | undefined {
  const dir = target.kind === 'folder' ? target.path : path.dirname(target.path);
  const name = path.basename(target.path);
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { recursive: target.kind === 'folder' }, (_event, file) => {
      const rel = file === null ? '' : file.toString();
      if (target.kind === 'file') {
        // A file's folder is watched: editors replace files, which ends a watch on the file itself.
        if (rel === name) report(target.path);
        return;
      }
      if (rel && ignoredPath(rel)) return;
      report(path.join(dir, rel));
    });
  } catch {
    return undefined; // Not there (yet): `update` tries again.
  }
  watcher.on('error', gone);
  return watcher;
}

/** A folder and every folder below it, each watched on its own; folders that appear are added. */
function watchTree(target: WatchTarget, report: (file: string) => void, gone: () => void): { close(): void } | undefined {
  const root = target.path;
  const dirs = new Map<string, FSWatcher>();
  const add = (dir: string, announce: boolean) => {
    if (dirs.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, file) => {
        if (dir === root && !isDir(root)) return gone();
        if (file === null) return report(dir);
        const full = path.join(dir, file.toString());
        if (ignoredPath(path.relative(root, full))) return;
        report(full);
        if (isDir(full)) add(full, true);
        else if (dirs.has(full)) removeBelow(full);
      });
    } catch {
      if (dir === root) throw new Error('gone');
      return;
    }
    watcher.on('error', () => {
      if (dir === root) gone();
      else removeBelow(dir);
    });
    dirs.set(dir, watcher);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry);
      if (ignoredPath(path.relative(root, full))) continue;
      // Files of a folder that appeared (moved or copied in) count as changed.
      if (announce) report(full);
      if (isDir(full)) add(full, announce);
    }
  };
  const removeBelow = (dir: string) => {
    for (const [d, w] of dirs) {
      if (d === dir || d.startsWith(dir + path.sep)) {
        w.close();
        dirs.delete(d);
      }
    }
  };
  try {
    add(root, false);
  } catch {
    return undefined;
  }
  return {
    close() {
      for (const w of dirs.values()) w.close();
      dirs.clear();
    },
  };
}

