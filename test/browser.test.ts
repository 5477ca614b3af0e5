import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllGone, processTree } from './helpers/processes.ts';
import { BrowserNotFoundError, browserAdvice, findBrowser, requireBrowser, systemCandidates } from '../src/browser/find.ts';
import { BrowserLaunchError, closeBrowser, launchBrowser } from '../src/browser/launch.ts';

const nothingExists = async () => false;

let dir: string;
let fakeChrome: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'anthology-browser-test-'));
  fakeChrome = path.join(dir, 'fake-chrome');
  await writeFile(fakeChrome, '#!/bin/sh\nexit 0\n');
  await chmod(fakeChrome, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findBrowser', () => {
  it('uses the explicit path from the book config first', async () => {
    const found = await findBrowser({
      explicitPath: fakeChrome,
      env: { PUPPETEER_EXECUTABLE_PATH: '/usr/bin/env' },
    });
    expect(found).toEqual({ path: fakeChrome, source: 'config' });
  });

  it('resolves a relative explicit path against baseDir', async () => {
    const found = await findBrowser({ explicitPath: 'fake-chrome', baseDir: dir, env: {} });
    expect(found).toEqual({ path: fakeChrome, source: 'config' });
  });

  it('uses PUPPETEER_EXECUTABLE_PATH when there is no explicit path', async () => {
    const found = await findBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: fakeChrome } });
    expect(found).toEqual({ path: fakeChrome, source: 'PUPPETEER_EXECUTABLE_PATH' });
  });

  it('fails, naming the path, for an explicit path that does not exist', async () => {
    const missing = path.join(dir, 'no-such-chrome');
    const error = await findBrowser({ explicitPath: missing, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain(missing);
    expect(message).toContain('book config');
    expect(message).toContain('npm run setup');
    expect(message).toContain('apt-get install -y chromium');
    expect(message).toContain('PUPPETEER_EXECUTABLE_PATH');
  });

  it('fails for a PUPPETEER_EXECUTABLE_PATH that does not exist', async () => {
    const missing = path.join(dir, 'gone', 'chrome');
    await expect(findBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: missing } })).rejects.toThrow(missing);
  });

  it.skipIf(process.platform === 'win32')('rejects a file that is not executable', async () => {
    const plain = path.join(dir, 'not-executable');
    await writeFile(plain, 'text');
    await expect(findBrowser({ explicitPath: plain, env: {} })).rejects.toBeInstanceOf(BrowserNotFoundError);
  });

  it.skipIf(process.platform === 'win32' || existsSync('/snap/bin/chromium'))(
    "does not take Ubuntu's snap placeholder script for a browser",
    async () => {
      const stub = path.join(dir, 'chromium-browser');
      await writeFile(
        stub,
        '#!/bin/sh\necho "Command \'/usr/bin/chromium-browser\' requires the chromium snap to be installed."\nexit 1\n',
      );
      await chmod(stub, 0o755);
      await expect(findBrowser({ explicitPath: stub, env: {} })).rejects.toBeInstanceOf(BrowserNotFoundError);
    },
  );

  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`returns null on ${platform} when nothing exists, after looking at the usual places`, async () => {
      const looked: string[] = [];
      const env = { HOME: '/home/x', PROGRAMFILES: 'D:\\Apps', LOCALAPPDATA: 'C:\\Users\\x\\AppData\\Local' };
      const found = await findBrowser({
        env,
        platform,
        exists: async (file) => {
          looked.push(file);
          return false;
        },
      });
      expect(found).toBeNull();
      const expected = {
        linux: ['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/opt/google/chrome/chrome'],
        darwin: [
          '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
          '/Applications/Chromium.app/Contents/MacOS/Chromium',
          '/home/x/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        ],
        win32: [
          'D:\\Apps\\Google\\Chrome\\Application\\chrome.exe',
          'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
          'C:\\Users\\x\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
        ],
      }[platform];
      for (const file of expected) expect(looked).toContain(file);
    });
  }

  it('takes the first usual location that exists', async () => {
    const found = await findBrowser({
      env: {},
      platform: 'linux',
      puppeteerCache: false,
      exists: async (file) => file === '/snap/bin/chromium' || file === '/opt/google/chrome/chrome',
    });
    expect(found).toEqual({ path: '/snap/bin/chromium', source: 'system' });
  });

  it('finds Edge on Windows through the environment, case-insensitively', async () => {
    const edge = 'E:\\PF86\\Microsoft\\Edge\\Application\\msedge.exe';
    const found = await findBrowser({
      env: { 'ProgramFiles(x86)': 'E:\\PF86' },
      platform: 'win32',
      puppeteerCache: false,
      exists: async (file) => file === edge,
    });
    expect(found).toEqual({ path: edge, source: 'system' });
  });

  it('falls back to the PATH', async () => {
    const found = await findBrowser({
      env: { PATH: '/nix/a/bin:/nix/b/bin' },
      platform: 'linux',
      puppeteerCache: false,
      exists: async (file) => file === '/nix/b/bin/google-chrome',
    });
    expect(found).toEqual({ path: '/nix/b/bin/google-chrome', source: 'PATH' });
  });

  it('requireBrowser explains what was searched and how to get a browser', async () => {
    const error = await requireBrowser({ env: {}, platform: 'linux', exists: nothingExists }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    expect((error as BrowserNotFoundError).searched).toContain('/usr/bin/chromium');
    expect((error as Error).message).toContain('/usr/bin/chromium');
    expect((error as Error).message).toContain(browserAdvice());
  });

  it('has advice for every platform', () => {
    const advice = browserAdvice();
    for (const s of [
      'npm run setup',
      'sudo apt-get install -y chromium',
      'brew install --cask chromium',
      'Google Chrome',
      'PUPPETEER_EXECUTABLE_PATH=',
      'npx puppeteer browsers install chrome',
    ]) {
      expect(advice).toContain(s);
    }
    expect(systemCandidates('linux')[0]).toBe('/usr/bin/chromium');
  });
});

// ---------------------------------------------------------------------------
// The real browser
// ---------------------------------------------------------------------------

/** Process state from /proc: undefined when the process is gone. */
function userDataDirOf(browser: Browser): string {
  const arg = browser.process()?.spawnargs.find((a) => a.startsWith('--user-data-dir='));
  expect(arg).toBeDefined();
  return arg!.slice('--user-data-dir='.length);
}

const isLinux = process.platform === 'linux';

describe('launching the real browser', () => {
  let executablePath: string;

  beforeAll(async () => {
    const found = await requireBrowser();
    executablePath = found.path;
  });

  it('prints a one-line page to a PDF', async () => {
    const browser = await launchBrowser({ executablePath });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><p>Hello, anthology.</p>');
      const pdf = await page.pdf({ format: 'A5' });
      expect(Buffer.from(pdf).subarray(0, 4).toString('latin1')).toBe('%PDF');
      expect(pdf.length).toBeGreaterThan(500);
    } finally {
      await closeBrowser(browser);
    }
  }, 60_000);

  it.runIf(isLinux)('leaves no browser process or profile behind when closed', async () => {
    const browser = await launchBrowser({ executablePath, handleSignals: false });
    const page = await browser.newPage();
    await page.setContent('<p>x</p>');
    const pid = browser.process()?.pid;
    expect(pid).toBeTypeOf('number');
    const tree = processTree(pid!);
    const profile = userDataDirOf(browser);
    expect(existsSync(profile)).toBe(true);
    expect(tree.length).toBeGreaterThan(1);
    await closeBrowser(browser);
    await expectAllGone(tree);
    expect(existsSync(profile)).toBe(false);
  }, 60_000);

  it.runIf(isLinux)('closes exactly once, and kills a browser that does not close within 5 s', async () => {
    const browser = await launchBrowser({ executablePath });
    const pid = browser.process()!.pid!;
    const tree = processTree(pid);
    const profile = userDataDirOf(browser);
    // A stopped browser cannot answer Browser.close.
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    const first = closeBrowser(browser);
    expect(closeBrowser(browser)).toBe(first);
    await first;
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    await expectAllGone(tree);
    expect(existsSync(profile)).toBe(false);
    await closeBrowser(browser);
  }, 60_000);

  it('reports a browser that does not start', async () => {
    const bogus = process.platform === 'win32' ? process.execPath : '/bin/false';
    // A private temporary folder, to see that the profile is removed again.
    const privateTmp = await mkdtemp(path.join(dir, 'tmp-'));
    const saved = { TMPDIR: process.env.TMPDIR, TEMP: process.env.TEMP, TMP: process.env.TMP };
    Object.assign(process.env, { TMPDIR: privateTmp, TEMP: privateTmp, TMP: privateTmp });
    try {
      expect(tmpdir()).toBe(privateTmp);
      const error = await launchBrowser({ executablePath: bogus, timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrowserLaunchError);
      expect((error as Error).message).toContain(bogus);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(readdirSync(privateTmp)).toEqual([]);
  }, 30_000);
});
