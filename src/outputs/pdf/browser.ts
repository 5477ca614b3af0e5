/**
 * Finding and launching the Chrome/Chromium that prints the PDFs.
 *
 * Puppeteer is installed with `skipDownload` (see .puppeteerrc.cjs), so the
 * build has to find a browser that is already there: the one named in the
 * book config (`pdf.browser`), `PUPPETEER_EXECUTABLE_PATH`, one that Puppeteer
 * downloaded into its cache (`npm run setup` may do that), or a system install.
 */
import { spawnSync } from 'node:child_process';
import { constants as fsConstants, rmSync } from 'node:fs';
import { access, mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer';

// ---------------------------------------------------------------------------
// Advice and errors
// ---------------------------------------------------------------------------

/** How to get a browser; shared by the CLI, `npm run setup` and the errors. */
export function browserAdvice(): string {
  return [
    'PDF output needs Chrome or Chromium. Any one of these gets you one:',
    '  - npm run setup                  finds a browser, or downloads/installs one',
    '  - Debian/Ubuntu:                 sudo apt-get install -y chromium',
    '                                   (on Ubuntu the package may be chromium-browser, a snap)',
    '  - macOS:                         brew install --cask chromium, or install Google Chrome',
    '  - Windows:                       install Google Chrome (Microsoft Edge works too)',
    '  - a browser you already have:    PUPPETEER_EXECUTABLE_PATH=/path/to/chrome,',
    '                                   or `pdf: { browser: /path/to/chrome }` in book.config.yaml',
    "  - where Google's servers are reachable: npx puppeteer browsers install chrome",
  ].join('\n');
}

export interface BrowserNotFoundDetails {
  /** Everything that was looked at, in order, for the message. */
  searched?: readonly string[];
  /** A browser that was asked for explicitly but is not there. */
  missing?: { path: string; source: string };
}

export class BrowserNotFoundError extends Error {
  readonly searched: readonly string[];
  readonly missing: { path: string; source: string } | undefined;

  constructor(details: BrowserNotFoundDetails = {}) {
    const lines: string[] = [];
    if (details.missing) {
      lines.push(
        `The browser given by ${details.missing.source} does not exist or is not executable: ${details.missing.path}`,
      );
    } else {
      lines.push('No Chrome or Chromium browser was found to print the PDFs.');
    }
    if (details.searched && details.searched.length > 0) {
      lines.push('Searched:', ...details.searched.map((s) => `  - ${s}`));
    }
    lines.push('', browserAdvice());
    super(lines.join('\n'));
    this.name = 'BrowserNotFoundError';
    this.searched = details.searched ?? [];
    this.missing = details.missing;
  }
}

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

/** What to check when a remote browser (`--browser-ws`) cannot be reached. */
export const REMOTE_BROWSER_ADVICE = [
  'Is Chrome running with --remote-debugging-port (and --remote-debugging-address=0.0.0.0 to accept',
  'other machines), or the browserless service up? A ws:// address must be the one the browser printed',
  '(".../devtools/browser/<id>", new at every start); http://host:port looks it up by itself.',
].join('\n');

/** One or more remote browsers (`--browser-ws`) could not be reached. */
export class BrowserConnectError extends Error {
  /** The addresses (credentials and query left out) and why each failed. */
  readonly failures: readonly { url: string; reason: string }[];

  constructor(failures: readonly { url: string; reason: string }[], cause?: unknown) {
    super([...failures.map((f) => `Cannot connect to the browser at ${f.url}: ${f.reason}.`), REMOTE_BROWSER_ADVICE].join('\n'), { cause });
    this.name = 'BrowserConnectError';
    this.failures = failures;
  }
}

// ---------------------------------------------------------------------------
// Finding a browser
// ---------------------------------------------------------------------------

export interface FoundBrowser {
  path: string;
  /**
   * Where it came from: `config`, `PUPPETEER_EXECUTABLE_PATH`,
   * `puppeteer cache`, `system` or `PATH`.
   */
  source: string;
}

export interface FindBrowserOptions {
  /** The `pdf.browser` of the book config. Relative paths resolve against `baseDir`. */
  explicitPath?: string;
  /** Folder relative explicit paths resolve against; default the current directory. */
  baseDir?: string;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /**
   * Whether a candidate is a usable executable. Default: an executable file
   * (and not Ubuntu's "install the chromium snap" stub). Tests inject this.
   */
  exists?: (file: string) => Promise<boolean>;
  /** Look in Puppeteer's download cache (default true). */
  puppeteerCache?: boolean;
  /** Called with a description of every place looked at, in order. */
  onSearch?: (what: string) => void;
}

/** Looks for a browser; null when there is none. Throws for a missing explicit one. */
export async function findBrowser(opts: FindBrowserOptions = {}): Promise<FoundBrowser | null> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const exists = opts.exists ?? ((file: string) => isExecutableFile(file, platform));
  const note = opts.onSearch ?? (() => {});
  const p = platform === 'win32' ? path.win32 : path.posix;

  // 1. The book config: must exist when given.
  if (opts.explicitPath !== undefined && opts.explicitPath.trim() !== '') {
    const file = normalizeExplicit(opts.explicitPath.trim(), { baseDir: opts.baseDir, env, platform });
    note(`pdf.browser in the book config: ${file}`);
    if (await exists(file)) return { path: file, source: 'config' };
    throw new BrowserNotFoundError({ missing: { path: file, source: 'pdf.browser in the book config' } });
  }

  // 2. PUPPETEER_EXECUTABLE_PATH: also explicit, so also an error when missing.
  const fromEnv = getEnv(env, 'PUPPETEER_EXECUTABLE_PATH', platform)?.trim();
  if (fromEnv) {
    const file = normalizeExplicit(fromEnv, { baseDir: opts.baseDir, env, platform });
    note(`PUPPETEER_EXECUTABLE_PATH: ${file}`);
    if (await exists(file)) return { path: file, source: 'PUPPETEER_EXECUTABLE_PATH' };
    throw new BrowserNotFoundError({ missing: { path: file, source: 'PUPPETEER_EXECUTABLE_PATH' } });
  }
  note('PUPPETEER_EXECUTABLE_PATH (not set)');

  // 3. Puppeteer's cache (what `npx puppeteer browsers install …` fills).
  if (opts.puppeteerCache ?? true) {
    const cache = await puppeteerCacheCandidates();
    note(`Puppeteer's cache${cache.dir ? ` (${cache.dir})` : ''}`);
    for (const file of cache.files) {
      if (await exists(file)) return { path: file, source: 'puppeteer cache' };
    }
  }

  // 4. Usual install locations of the platform.
  for (const file of systemCandidates(platform, env)) {
    note(file);
    if (await exists(file)) return { path: file, source: 'system' };
  }

  // 5. Anything called like a Chrome on the PATH.
  const names = platform === 'win32' ? WINDOWS_PATH_NAMES : POSIX_PATH_NAMES;
  const dirs = (getEnv(env, 'PATH', platform) ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  note(`PATH: ${names.join(', ')}`);
  for (const dir of dirs) {
    if (!p.isAbsolute(dir)) continue;
    for (const name of names) {
      const file = p.join(dir, name);
      if (await exists(file)) return { path: file, source: 'PATH' };
    }
  }
  return null;
}

/** Like findBrowser, but throws a BrowserNotFoundError listing what was searched. */
export async function requireBrowser(opts: FindBrowserOptions = {}): Promise<FoundBrowser> {
  const searched: string[] = [];
  const found = await findBrowser({
    ...opts,
    onSearch: (what) => {
      searched.push(what);
      opts.onSearch?.(what);
    },
  });
  if (!found) throw new BrowserNotFoundError({ searched });
  return found;
}

const POSIX_PATH_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
  'chrome',
  'chrome-headless-shell',
  'microsoft-edge',
  'microsoft-edge-stable',
];
const WINDOWS_PATH_NAMES = ['chrome.exe', 'msedge.exe', 'chromium.exe'];

/** The usual install locations, most wanted first. Exported for the tests and the setup script. */
export function systemCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = [
      ['Google Chrome.app', 'Google Chrome'],
      ['Chromium.app', 'Chromium'],
      ['Google Chrome Canary.app', 'Google Chrome Canary'],
      ['Microsoft Edge.app', 'Microsoft Edge'],
      ['Brave Browser.app', 'Brave Browser'],
    ] as const;
    const home = getEnv(env, 'HOME', platform);
    const roots = ['/Applications', ...(home ? [path.posix.join(home, 'Applications')] : [])];
    return roots.flatMap((root) => apps.map(([app, exe]) => path.posix.join(root, app, 'Contents', 'MacOS', exe)));
  }
  if (platform === 'win32') {
    const w = path.win32;
    const programFiles = unique([
      getEnv(env, 'PROGRAMFILES', platform) ?? 'C:\\Program Files',
      getEnv(env, 'PROGRAMW6432', platform),
      getEnv(env, 'PROGRAMFILES(X86)', platform) ?? 'C:\\Program Files (x86)',
    ]);
    const local = getEnv(env, 'LOCALAPPDATA', platform);
    const chromeRoots = unique([...programFiles, local]);
    return unique([
      ...chromeRoots.map((root) => w.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...chromeRoots.map((root) => w.join(root, 'Chromium', 'Application', 'chrome.exe')),
      ...chromeRoots.map((root) => w.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ]);
  }
  // Linux and the other Unixes.
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/lib/chromium/chromium',
    '/usr/lib/chromium-browser/chromium-browser',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/usr/local/bin/chromium',
    '/usr/local/bin/chrome',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/opt/microsoft/msedge/msedge',
    '/var/lib/flatpak/exports/bin/org.chromium.Chromium',
  ];
}

async function puppeteerCacheCandidates(): Promise<{ dir?: string; files: string[] }> {
  const files: string[] = [];
  let dir: string | undefined;
  try {
    const puppeteer = await import('puppeteer');
    const configuration = puppeteerConfiguration(puppeteer);
    dir = configuration.cacheDirectory;
    // Only the cache: an executablePath in Puppeteer's configuration comes
    // from PUPPETEER_EXECUTABLE_PATH (handled above) or a .puppeteerrc.
    if (!configuration.executablePath) {
      for (const pick of [() => puppeteer.executablePath(), () => puppeteer.executablePath({ headless: 'shell' })]) {
        try {
          files.push(pick());
        } catch {
          // Puppeteer throws when it cannot compute a path for this platform.
        }
      }
    }
  } catch {
    // Puppeteer missing or broken: nothing to find in its cache.
  }
  if (dir) {
    // Any other version a previous `puppeteer browsers install` left there.
    try {
      const { getInstalledBrowsers, Browser: Kind } = await import('@puppeteer/browsers');
      const wanted: string[] = [Kind.CHROME, Kind.CHROMEHEADLESSSHELL, Kind.CHROMIUM];
      const installed = (await getInstalledBrowsers({ cacheDir: dir }))
        .filter((b) => wanted.includes(b.browser))
        .sort((a, b) => compareVersionsDesc(a.buildId, b.buildId));
      for (const b of installed) files.push(b.executablePath);
    } catch {
      // No cache folder, or an unexpected layout.
    }
  }
  return { dir, files: unique(files) };
}

interface PuppeteerConfiguration {
  cacheDirectory?: string;
  executablePath?: string;
}

/**
 * Puppeteer's resolved configuration (.puppeteerrc, PUPPETEER_* variables).
 * It is a property of the default export that the public types do not show
 * (and under NodeNext they type the default export as the namespace).
 */
function puppeteerConfiguration(mod: object): PuppeteerConfiguration {
  const candidates = [(mod as { default?: unknown }).default, mod];
  for (const c of candidates) {
    const conf = (c as { configuration?: PuppeteerConfiguration } | undefined)?.configuration;
    if (conf && typeof conf === 'object') return conf;
  }
  return {};
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

function normalizeExplicit(
  file: string,
  ctx: { baseDir: string | undefined; env: NodeJS.ProcessEnv; platform: NodeJS.Platform },
): string {
  const p = ctx.platform === 'win32' ? path.win32 : path.posix;
  let out = file;
  const home = getEnv(ctx.env, ctx.platform === 'win32' ? 'USERPROFILE' : 'HOME', ctx.platform) ?? homedir();
  if (out === '~' || out.startsWith('~/') || (ctx.platform === 'win32' && out.startsWith('~\\'))) {
    out = p.join(home, out.slice(1));
  }
  out = p.resolve(ctx.baseDir ?? process.cwd(), out);
  // A macOS app bundle stands for the executable inside it.
  if (ctx.platform === 'darwin' && /\.app\/?$/.test(out)) {
    const app = out.replace(/\/$/, '');
    out = p.join(app, 'Contents', 'MacOS', p.basename(app, '.app'));
  }
  return out;
}

/** Environment lookup; case-insensitive on Windows like the real environment. */
function getEnv(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  if (platform !== 'win32') return undefined;
  const upper = name.toUpperCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toUpperCase() === upper && value) return value;
  }
  return undefined;
}

function unique<T>(items: readonly (T | undefined)[]): T[] {
  return [...new Set(items.filter((x): x is T => x !== undefined && x !== ''))];
}

/** An executable regular file, and not Ubuntu's placeholder asking to install the snap. */
async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return false;
    if (platform !== 'win32') await access(file, fsConstants.X_OK);
  } catch {
    return false;
  }
  // Ubuntu's /usr/bin/chromium-browser is a small script that only tells you
  // to install the chromium snap when the snap is not there.
  const head = await readHead(file);
  if (head.startsWith('#!') && /requires the chromium snap|snap install chromium/.test(head)) {
    return isExecutableFile('/snap/bin/chromium', platform);
  }
  return true;
}

async function readHead(file: string, bytes = 4096): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buf, 0, bytes, 0);
      return buf.subarray(0, bytesRead).toString('latin1');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------
// Launching and closing
// ---------------------------------------------------------------------------

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
   * withBrowser turns this off and handles the signals itself.
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

// ---------------------------------------------------------------------------
// Connecting to a remote browser
// ---------------------------------------------------------------------------

/**
 * An address as it may be shown: without user name, password and query
 * (a browserless token travels in `?token=`), `?…` marking a left-out query.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const query = u.search ? '?…' : '';
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href.replace(/\/$/, '') + query;
  } catch {
    return url;
  }
}

export interface ConnectBrowserOptions {
  /** How long connecting may take; default 30 s. */
  timeoutMs?: number;
  /** Time limit of every CDP call (a long book prints for a while); default 120 s. */
  protocolTimeoutMs?: number;
  /** Stops waiting for the connection (a connection made later is let go). */
  signal?: AbortSignal;
}

/**
 * Connects to a browser someone else runs: `ws://` or `wss://` (the
 * DevTools address a Chrome prints, or a browserless service), or
 * `http://host:port` (looked up through `/json/version` by Puppeteer's
 * `browserURL`). Rejects with a BrowserConnectError that says what to check.
 * Let it go with `browser.disconnect()`: it is not ours to close.
 */
export async function connectBrowser(url: string, opts: ConnectBrowserOptions = {}): Promise<Browser> {
  const shown = displayUrl(url);
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new BrowserConnectError([{ url: shown, reason: 'this is not an address; expected ws://host:port/…, wss://…, or http://host:port' }]);
  }
  const endpoint =
    protocol === 'ws:' || protocol === 'wss:' ? { browserWSEndpoint: url } : protocol === 'http:' || protocol === 'https:' ? { browserURL: url } : undefined;
  if (!endpoint) throw new BrowserConnectError([{ url: shown, reason: `the address starts with ${protocol}, expected ws://, wss://, http:// or https://` }]);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const puppeteer = await import('puppeteer');
  const connecting = puppeteer.connect({ ...endpoint, protocolTimeout: opts.protocolTimeoutMs ?? 120_000 });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
        onAbort = () => reject(opts.signal!.reason);
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (error) {
    // A connection that comes after all is let go at once.
    connecting.then((late) => late.disconnect()).catch(() => {});
    if (opts.signal?.aborted && error === opts.signal.reason) throw error;
    throw new BrowserConnectError([{ url: shown, reason: connectFailure(error) }], error);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }
}

const CONNECT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ECONNRESET: 'the connection was reset',
  EPROTO: 'the TLS handshake failed',
};

/** Why a connection failed, in a few words (the `ws` library rejects with an ErrorEvent, fetch with a cause). */
function connectFailure(error: unknown): string {
  const chain: { code?: unknown; message?: unknown; error?: unknown; cause?: unknown }[] = [];
  for (let e = error as (typeof chain)[number] | undefined, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    chain.push(e);
    e = (e.error ?? e.cause) as (typeof chain)[number] | undefined;
  }
  for (const e of chain) {
    if (typeof e.code === 'string' && CONNECT_ERRORS[e.code]) return CONNECT_ERRORS[e.code]!;
  }
  const messages = chain.map((e) => (typeof e.message === 'string' ? e.message : '')).filter(Boolean);
  const status = messages.map((m) => /Unexpected server response: (\d+)/.exec(m)?.[1]).find(Boolean);
  if (status === '401' || status === '403') return `the server refused the connection (HTTP ${status}): does the service need a token (?token=…)?`;
  if (status) return `the server answered HTTP ${status} instead of a browser connection`;
  return messages.at(-1) ?? messages[0] ?? String(error);
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Launches the browser, runs fn with it, and closes it exactly once, whether
 * fn succeeds or fails. While it runs, SIGINT and SIGTERM close the browser
 * and then end the process the way the signal would have (exit status 130 or
 * 143); a second signal kills the browser at once.
 */
export async function withBrowser<T>(
  opts: LaunchBrowserOptions,
  fn: (browser: Browser) => Promise<T>,
): Promise<T> {
  let browser: Browser | undefined;
  let signalled: HandledSignal | undefined;
  let launching = true;

  const removeHandlers = () => {
    for (const s of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.off(s, onSignal);
  };
  let terminating: Promise<never> | undefined;
  const terminate = (signal: HandledSignal): Promise<never> =>
    (terminating ??= (async () => {
      if (browser) await closeBrowser(browser).catch(() => {});
      removeHandlers();
      if (process.listenerCount(signal) === 0) {
        // Re-raise: with no listener left Node's default action ends the
        // process and the parent sees the signal (the shell shows 130/143).
        process.kill(process.pid, signal);
        await delay(1_000);
      }
      process.exit(SIGNAL_EXIT_CODES[signal]);
    })());
  function onSignal(signal: NodeJS.Signals) {
    const s = signal as HandledSignal;
    if (signalled) {
      // Second Ctrl-C: do not wait for a polite close.
      if (browser) killTree(browser);
      removeHandlers();
      process.exit(SIGNAL_EXIT_CODES[s]);
    }
    signalled = s;
    // While launching, the launch finishes first so that the browser is known.
    if (!launching) void terminate(s);
  }
  for (const s of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) process.on(s, onSignal);

  try {
    try {
      browser = await launchBrowser({ ...opts, handleSignals: false });
    } finally {
      launching = false;
    }
    if (signalled) return await terminate(signalled);
    return await fn(browser);
  } catch (error) {
    if (signalled) return await terminate(signalled);
    throw error;
  } finally {
    if (browser) await closeBrowser(browser);
    if (!signalled) removeHandlers();
  }
}
