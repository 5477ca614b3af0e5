/**
 * Launching and closing a local browser: headless, in a fresh profile, with
 * the flags that keep it off the network; closed exactly once, killed when
 * it does not close in time.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { readHead } from './find.ts';

export class BrowserLaunchError extends Error {
  readonly executablePath: string;

  constructor(executablePath: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const hints: string[] = [];
    if (/No usable sandbox|setuid sandbox|namespace/i.test(reason)) {
      hints.push(
        'Chrome could not set up its sandbox (common in containers). Run as root, set CI=true, or fix the',
        'container (e.g. `--cap-add=SYS_ADMIN`, or a seccomp profile that allows user namespaces).',
      );
    }
    if (/error while loading shared libraries/i.test(reason)) {
      hints.push(
        'The browser is missing system libraries. On Debian/Ubuntu `sudo apt-get install -y chromium`',
        'pulls them in, or use `npx puppeteer browsers install chrome --install-deps` as root.',
      );
    }
    super(
      [`Could not start the browser ${executablePath}:`, reason.trim(), ...(hints.length ? ['', ...hints] : [])].join(
        '\n',
      ),
      { cause },
    );
    this.name = 'BrowserLaunchError';
    this.executablePath = executablePath;
  }
}

/** A proxy that does not exist: what a request that escaped interception would run into. */
export const OFFLINE_PROXY = 'http://127.0.0.1:9';

/** Chrome flags that keep a page from reaching any network, even if a request escaped interception (requests.ts). */
export const OFFLINE_ARGS = [
  '--host-resolver-rules=MAP * ~NOTFOUND',
  `--proxy-server=${OFFLINE_PROXY}`,
  '--proxy-bypass-list=<-loopback>',
  '--dns-prefetch-disable',
  '--disable-features=NetworkPrediction,PrivacySandboxSettings4,OptimizationHints,MediaRouter',
];

export interface LaunchBrowserOptions {
  executablePath: string;
  /** Launch timeout and CDP protocol timeout (a long book prints for a while). Default 120 s. */
  timeoutMs?: number;
  /** Extra Chrome flags. */
  args?: readonly string[];
  /** Default `process.env`; decides `--no-sandbox` together with the user id. */
  env?: NodeJS.ProcessEnv;
  /**
   * Let Puppeteer kill the browser on SIGINT/SIGTERM/SIGHUP (default true).
   * The build turns this off: it handles the signals and closes the browser itself.
   */
  handleSignals?: boolean;
}

interface Launched {
  userDataDir: string;
  onExit: () => void;
  closing?: Promise<void>;
}

const launched = new WeakMap<Browser, Launched>();
const closingOthers = new WeakMap<Browser, Promise<void>>();

/** Whether Chrome has to run without its sandbox: as root, or in CI containers. */
export function needsNoSandbox(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return process.getuid?.() === 0 || (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false');
}

/** The flags the browser is launched with, apart from `--user-data-dir`. */
export function browserArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(needsNoSandbox(env) ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--font-render-hinting=none',
  ];
}

/** Launches the browser headless with a fresh profile; close it with closeBrowser. */
export async function launchBrowser(opts: LaunchBrowserOptions): Promise<Browser> {
  const timeout = opts.timeoutMs ?? 120_000;
  const env = opts.env ?? process.env;
  const handleSignals = opts.handleSignals ?? true;
  const userDataDir = await makeUserDataDir(opts.executablePath);
  // If the program exits without closing the browser (Puppeteer kills the
  // process itself on exit), at least remove the profile.
  const onExit = () => {
    try {
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // Best effort at exit.
    }
  };
  process.on('exit', onExit);
  const base = path.basename(opts.executablePath).toLowerCase();
  const headlessShell = base === 'chrome-headless-shell' || base === 'chrome-headless-shell.exe';
  try {
    const puppeteer = await import('puppeteer');
    const browser = await puppeteer.launch({
      executablePath: opts.executablePath,
      browser: 'chrome',
      headless: headlessShell ? 'shell' : true,
      userDataDir,
      args: [...browserArgs(env), ...(opts.args ?? [])],
      timeout,
      protocolTimeout: timeout,
      handleSIGINT: handleSignals,
      handleSIGTERM: handleSignals,
      handleSIGHUP: handleSignals,
      env: { ...env },
    });
    launched.set(browser, { userDataDir, onExit });
    return browser;
  } catch (error) {
    process.off('exit', onExit);
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => {});
    throw new BrowserLaunchError(opts.executablePath, error);
  }
}

async function makeUserDataDir(executablePath: string): Promise<string> {
  let base = tmpdir();
  // A snap-confined Chromium has its own /tmp and cannot see ours; it can
  // write to its folder under ~/snap.
  if (executablePath.startsWith('/snap/') || (await readHead(executablePath)).includes('/snap/bin/chromium')) {
    base = path.join(homedir(), 'snap', 'chromium', 'common');
    await mkdir(base, { recursive: true });
  }
  return mkdtemp(path.join(base, 'anthology-chrome-'));
}

/**
 * Closes a browser exactly once (further calls return the same promise):
 * asks it to close, kills it (with its process group) when that takes more
 * than 5 s, and removes the temporary profile.
 */
export function closeBrowser(browser: Browser): Promise<void> {
  const state = launched.get(browser);
  if (!state) {
    let closing = closingOthers.get(browser);
    if (!closing) {
      closing = closeOrKill(browser);
      closingOthers.set(browser, closing);
    }
    return closing;
  }
  state.closing ??= (async () => {
    try {
      await closeOrKill(browser);
    } finally {
      await rm(state.userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
      process.off('exit', state.onExit);
    }
  })();
  return state.closing;
}

const CLOSE_GRACE_MS = 5_000;

async function closeOrKill(browser: Browser): Promise<void> {
  const proc = browser.process();
  const running = () => proc !== null && proc.exitCode === null && proc.signalCode === null;
  const exited = new Promise<void>((resolve) => {
    if (!proc || !running()) resolve();
    else proc.once('exit', () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    browser.close().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!closed || running()) {
    killTree(browser);
    await Promise.race([exited, delay(CLOSE_GRACE_MS)]);
  } else {
    await Promise.race([exited, delay(CLOSE_GRACE_MS)]);
  }
  if (browser.connected) {
    await Promise.resolve(browser.disconnect()).catch(() => {});
  }
}

/** Kills the browser and its helpers right away. */
function killTree(browser: Browser): void {
  const proc = browser.process();
  if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
  if (process.platform === 'win32') {
    const r = spawnSync('taskkill', ['/pid', String(proc.pid), '/T', '/F'], { stdio: 'ignore' });
    if (r.status !== 0) proc.kill();
    return;
  }
  try {
    // Puppeteer starts the browser as the leader of its own process group.
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    proc.kill('SIGKILL');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

