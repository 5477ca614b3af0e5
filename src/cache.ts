/**
 * The build cache: results of expensive work (processed articles, printed
 * pages) stored under keys that cover everything the result depends on —
 * the input bytes, the templates, the config and the tool itself — so a
 * stale result cannot be used. Entries are written atomically; a damaged or
 * unreadable entry is simply a miss.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export class Cache {
  /** `dir` undefined: caching is off (`--no-cache`), every read misses and writes are dropped. */
  constructor(readonly dir: string | undefined) {}

  get enabled(): boolean {
    return this.dir !== undefined;
  }

  file(bucket: string, key: string, ext = '.json'): string | undefined {
    return this.dir && path.join(this.dir, bucket, key.slice(0, 2), key + ext);
  }

  async readJson<T>(bucket: string, key: string): Promise<T | undefined> {
    const file = this.file(bucket, key);
    if (!file) return undefined;
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async readBytes(bucket: string, key: string, ext: string): Promise<Buffer | undefined> {
    const file = this.file(bucket, key, ext);
    if (!file) return undefined;
    try {
      return await readFile(file);
    } catch {
      return undefined;
    }
  }

  async writeJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.writeBytes(bucket, key, '.json', JSON.stringify(value));
  }

  async writeBytes(bucket: string, key: string, ext: string, bytes: string | Uint8Array): Promise<void> {
    const file = this.file(bucket, key, ext);
    if (!file) return;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    } catch {
      // A cache that cannot be written only costs time on the next build.
    }
  }
}

export function hashOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

let toolKey: Promise<string> | undefined;

/**
 * A fingerprint of the tool itself: its version, its sources and its locked
 * dependencies. Any change to the code that makes outputs changes the key.
 */
export function toolFingerprint(): Promise<string> {
  toolKey ??= (async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const parts: (string | Buffer)[] = [];
    for (const name of ['package.json', 'package-lock.json']) {
      try {
        parts.push(await readFile(path.join(root, name)));
      } catch {
        parts.push(name);
      }
    }
    const files: string[] = [];
    const walk = async (dir: string) => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith('.ts')) files.push(p);
      }
    };
    await walk(path.join(root, 'src'));
    for (const f of files.sort()) parts.push(path.relative(root, f), await readFile(f));
    return hashOf(...parts);
  })();
  return toolKey;
}

/** Size and modification time, to notice a changed file without reading it. */
export async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}
