import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../src/browser/find.ts';
import { FIXTURES } from './helpers/build.ts';
import { expectAllGone, processTree } from './helpers/processes.ts';

const browser = await findBrowser();
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'anthology-interrupt-'));
  await cp(path.join(FIXTURES, 'pdf-book'), path.join(root, 'book'), { recursive: true });
  await mkdir(path.join(root, 'book/dist'));
  await writeFile(path.join(root, 'book/dist/index.html'), 'previous build');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(!browser || process.platform !== 'linux')('Ctrl-C in the middle of a build', () => {
  it('closes the browser, leaves no process behind, removes the staging folder and keeps dist/', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/anthology.js'), 'build', '--no-cache'], { cwd: path.join(root, 'book'), env: { ...process.env, CI: 'true' } });
    let stderr = '';
    const printing = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/anthology: pdf/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await printing;
    // Wait until Chromium is really running under the build (the limit is a safety net, not an expectation).
    let browsers: number[] = [];
    for (const end = Date.now() + 60_000; browsers.length === 0 && child.exitCode === null && Date.now() < end; ) {
      browsers = processTree(child.pid!).slice(1).filter((pid) => /chrom/i.test(cmdline(pid).split('\0')[0] ?? ''));
      if (!browsers.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(browsers.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT received, stopping; the output folder is left as it was');
    await expectAllGone(browsers, 60_000);
    expect((await readdir(path.join(root, 'book'))).filter((n) => n.includes('staging'))).toEqual([]);
    expect(await readdir(path.join(root, 'book/dist'))).toEqual(['index.html']);
    expect(await readFile(path.join(root, 'book/dist/index.html'), 'utf8')).toBe('previous build');
  });
});

/** A process's command line, NUL-separated ('' once it is gone). */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
