/** Runs the real build on a fixture folder into a fresh temporary output folder. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type BuildResult } from '../../src/build.ts';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface FixtureBuild {
  result: BuildResult;
  out: string;
  read(rel: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function buildFixture(name: string, options: BuildOptions = {}): Promise<FixtureBuild> {
  return buildFolder(path.join(FIXTURES, name), options);
}

/** Runs the real build on the book in `cwd` (a fixture, the sample book) into a fresh temporary output folder. */
export async function buildFolder(cwd: string, options: BuildOptions = {}): Promise<FixtureBuild> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), `anthology-${path.basename(cwd)}-`));
  const out = path.join(tmp, 'dist');
  // Fixtures are shared by the tests: no build cache in the source tree.
  const result = await build({ cwd, out, formats: ['html'], cache: false, ...options });
  return {
    result,
    out,
    read: (rel) => readFile(path.join(out, rel), 'utf8'),
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** Diagnostics as `file:line:column severity [rule]` relative to the fixture, for compact assertions. */
export function problems(result: BuildResult, fixture: string): string[] {
  const base = path.join(FIXTURES, fixture);
  return result.diagnostics.items.map((d) => `${d.file ? path.relative(base, d.file) : ''}:${d.line ?? ''}:${d.column ?? ''} ${d.severity} [${d.rule}]`);
}
