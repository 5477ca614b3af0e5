import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { FIXTURES, problems } from './helpers/build.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-faults-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function previousBuild(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), 'previous');
}

describe('faults', () => {
  it('refuses files in an unknown encoding, naming the likeliest one, and writes nothing', async () => {
    const out = path.join(tmp, 'enc');
    await previousBuild(out);
    const result = await build({ cwd: path.join(FIXTURES, 'bad-encoding'), out, formats: ['html'] });
    expect(result.ok).toBe(false);
    expect(problems(result, 'bad-encoding')).toEqual(['articles/binary.md:1:1 error [encoding]', 'articles/latin1.md:1:1 error [encoding]']);
    expect(result.diagnostics.items[1]!.message).toContain('it looks most like ISO-8859-1');
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe('previous');
  });

  it('explains an output folder that cannot be created, without a stack trace', async () => {
    const blocker = path.join(tmp, 'a-file');
    await writeFile(blocker, 'x');
    const result = await build({ cwd: path.join(FIXTURES, 'site'), out: path.join(blocker, 'dist'), formats: ['html'] });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.errors.map((d) => d.message)).toEqual([expect.stringMatching(/^Cannot write the output: a (file is in the way|part of the path is a file, not a folder) /)]);
  });

  it('explains a full disk and leaves the previous output exactly as it was', async (ctx) => {
    const small = path.join(tmp, 'small');
    await mkdir(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // needs root and a kernel that lets this sandbox mount a tmpfs
    }
    try {
      const out = path.join(small, 'dist');
      await previousBuild(out);
      const result = await build({ cwd: path.join(FIXTURES, 'site'), out, formats: ['html'] });
      expect(result.ok).toBe(false);
      expect(result.diagnostics.errors.map((d) => d.rule)).toEqual(['output-write']);
      expect(result.diagnostics.errors[0]!.message).toMatch(/^Cannot write the output: the disk is full/);
      expect(await readdir(small)).toEqual(['dist']);
      expect(await readdir(out)).toEqual(['index.html']);
      expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe('previous');
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
