/**
 * Finding the Chrome/Chromium the build uses.
 *
 * Puppeteer is installed with `skipDownload` (see .puppeteerrc.cjs), so the
 * build has to find a browser that is already there: the one named in the
 * book config (`pdf.browser`), `PUPPETEER_EXECUTABLE_PATH`, one that Puppeteer
 * downloaded into its cache (`npm run setup` may do that), or a system install.
 * When there is none, the error says how to get one.
 */
import { constants as fsConstants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

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

/** The first bytes of a file as text (a snap's wrapper script names its Chromium). */
export async function readHead(file: string, bytes = 4096): Promise<string> {
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

