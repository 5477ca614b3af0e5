import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers/build.ts';

const BIN = path.resolve('bin/anthology.js');
const run = promisify(execFile);

async function anthology(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('the anthology command', () => {
  it('prints help and version', async () => {
    const help = await anthology(['--help'], tmp);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: anthology build [options]');
    const version = await anthology(['--version'], tmp);
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [['--format', 'docx'], ['--nope'], ['publish']]) {
      const r = await anthology(args, tmp);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^anthology: /);
    }
  });

  it('builds the site, reports a summary, and exits 0', async () => {
    const out = path.join(tmp, 'ok');
    const r = await anthology(['build', '--out', out, '--format', 'html'], path.join(FIXTURES, 'site'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^anthology: built 3 articles into .* \(0 errors, 5 warnings\)/);
    expect(r.stdout).toMatch(/site {6}9 pages/);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  it('reports every error as path:line:column and exits 1, leaving the previous output exactly as it was', async () => {
    const out = path.join(tmp, 'kept');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'marker.txt'), 'previous build');
    const r = await anthology(['build', '--out', out, '--articles', 'articles', '--format', 'html'], path.join(FIXTURES, 'bad-front-matter'));
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toContain('articles/types.md:3:8: error Invalid `draft`: Invalid input: expected boolean, received string [front-matter-invalid]');
    expect(lines.some((l) => /^articles\/broken\.md:4:\d+: error Invalid YAML in front matter/.test(l))).toBe(true);
    expect(lines).toContain('anthology: build failed (2 errors, 1 warning); nothing was written');
    expect(await readdir(out)).toEqual(['marker.txt']);
    expect((await readdir(tmp)).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it('turns warnings into errors with --strict', async () => {
    const out = path.join(tmp, 'strict');
    const r = await anthology(['build', '--out', out, '--strict', '--format', 'html'], path.join(FIXTURES, 'untitled'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('articles/notes.md:1:1: error The article has no title');
    expect(existsSync(out)).toBe(false);
  });

  it('reports an invalid config with its line and exits 1', async () => {
    const r = await anthology(['build', '--out', path.join(tmp, 'cfg')], path.join(FIXTURES, 'bad-config'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('book.config.yaml:2:7: error Invalid `sort`');
  });
});
