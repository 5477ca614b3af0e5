#!/usr/bin/env node
// `npm run setup` — gets a fresh clone ready to build:
//   1. `npm ci` (skipped when node_modules already matches package-lock.json);
//   2. looks for Chrome/Chromium exactly like the build does
//      (scripts/find-browser.ts → src/browser/find.ts);
//   3. only when there is none: downloads chrome-headless-shell with Puppeteer
//      (90 s at most: on some networks the download just hangs), else, as
//      root on Debian/Ubuntu, `apt-get install -y chromium`, else prints how to
//      get a browser and exits 1.
// `npm run setup -- --test` also makes sure the tools the tests use are there:
// pdftotext/pdffonts/pdfinfo (poppler-utils), qpdf, java, epubcheck.jar and
// calibre's ebook-convert (a real EPUB reading engine).
//
// Only Node builtins here: this runs before `npm ci`.
//
// Environment:
//   SETUP_SKIP_NPM=1      skip step 1 (node_modules is managed by someone else)
//   SETUP_FORCE_NPM=1     run `npm ci` even when node_modules looks up to date
//   SETUP_NO_DOWNLOAD=1   never try Puppeteer's download
//   SETUP_DOWNLOAD_TIMEOUT_MS=90000  how long the download may take
//   SETUP_NO_APT=1        never run apt-get
//   EPUBCHECK_JAR=/x.jar  where epubcheck.jar is (default /usr/share/java/epubcheck.jar)

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const withTests = args.includes('--test');
const isWindows = process.platform === 'win32';
const isRoot = process.getuid?.() === 0;
const flag = (name) => ['1', 'true', 'yes'].includes(String(process.env[name] ?? '').toLowerCase());

const started = Date.now();
const log = (message) => console.log(`setup: ${message}`);
const fail = (message) => {
  console.error(`setup: ${message}`);
  process.exit(1);
};

if (args.includes('--help') || args.includes('-h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

/** Runs a command with inherited stdio; resolves to { code, timedOut }. */
function run(command, commandArgs, { timeoutMs, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
      shell: isWindows,
      // Its own process group, so that a timeout kills the whole tree.
      detached: !isWindows && timeoutMs !== undefined,
    });
    // A child in its own process group does not get the terminal's Ctrl-C:
    // pass it on, so that nothing keeps downloading after setup is gone.
    const forward = (signal) => {
      killTree(child);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    if (!isWindows && timeoutMs !== undefined) {
      process.once('SIGINT', forward);
      process.once('SIGTERM', forward);
    }
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killTree(child);
          }, timeoutMs);
    const done = (result) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(result);
    };
    child.on('error', (error) => done({ code: 127, timedOut, error }));
    child.on('exit', (code, signal) => done({ code: code ?? (signal ? 128 : 1), timedOut }));
  });
}

function killTree(child) {
  try {
    if (isWindows) child.kill();
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** The executable called `name` on the PATH, or undefined. */
function which(name) {
  const exts = isWindows ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        if (!statSync(file).isFile()) continue;
        if (!isWindows) accessSync(file, constants.X_OK);
        return file;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (key) => (release.match(new RegExp(`^${key}="?([^"\\n]*)"?`, 'm'))?.[1] ?? '').toLowerCase();
    return /\b(debian|ubuntu)\b/.test(`${field('ID')} ${field('ID_LIKE')}`);
  } catch {
    return false;
  }
}

const canApt = () => !isWindows && isRoot && !flag('SETUP_NO_APT') && isDebianLike() && which('apt-get') !== undefined;
let aptUpdated = false;

async function aptInstall(packages, { recommends = false } = {}) {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    const update = await run('apt-get', ['update'], { env });
    if (update.code !== 0) return false;
    aptUpdated = true;
  }
  const installArgs = ['install', '-y', ...(recommends ? [] : ['--no-install-recommends']), ...packages];
  log(`apt-get ${installArgs.join(' ')}`);
  const install = await run('apt-get', installArgs, { env });
  return install.code === 0;
}

// ---------------------------------------------------------------------------
// 1. npm ci
// ---------------------------------------------------------------------------

const lockFile = path.join(root, 'package-lock.json');
const stampFile = path.join(root, 'node_modules', '.anthology-setup.json');
const stamp = () =>
  JSON.stringify({
    lock: existsSync(lockFile) ? createHash('sha256').update(readFileSync(lockFile)).digest('hex') : null,
    node: process.versions.node.split('.')[0],
    platform: `${process.platform}-${process.arch}`,
  });

if (flag('SETUP_SKIP_NPM')) {
  log('SETUP_SKIP_NPM is set: not running npm ci');
} else if (!flag('SETUP_FORCE_NPM') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp()) {
  log('node_modules matches package-lock.json: not running npm ci (SETUP_FORCE_NPM=1 forces it)');
} else {
  log('npm ci');
  const t = Date.now();
  const result = await run(isWindows ? 'npm.cmd' : 'npm', ['ci']);
  if (result.code !== 0) fail(`npm ci failed (exit status ${result.code})`);
  writeFileSync(stampFile, stamp());
  log(`npm ci done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------
// 2. A browser for the PDFs
// ---------------------------------------------------------------------------

if (!existsSync(path.join(root, 'node_modules', 'tsx'))) {
  fail('node_modules/tsx is missing: run `npm ci` (or `npm run setup` without SETUP_SKIP_NPM)');
}

/** Runs scripts/find-browser.ts: { found, searched, advice, error? }. */
function findBrowser() {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('scripts', 'find-browser.ts')], {
    cwd: root,
    encoding: 'utf8',
  });
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    process.stderr.write(result.stderr ?? '');
    fail(`could not run scripts/find-browser.ts (exit status ${result.status})`);
  }
}

const describe = (found) => `${found.path} (${found.source})`;

log('looking for Chrome/Chromium');
let browser = findBrowser();
if (browser.error) {
  // PUPPETEER_EXECUTABLE_PATH names a browser that is not there: that is a
  // mistake to fix, not something to paper over with a download.
  fail(browser.error);
}
if (browser.found) {
  log(`browser: ${describe(browser.found)}`);
} else {
  log(`no browser found; searched:\n${browser.searched.map((s) => `  - ${s}`).join('\n')}`);

  if (!browser.found && !flag('SETUP_NO_DOWNLOAD')) {
    const timeoutMs = Number(process.env.SETUP_DOWNLOAD_TIMEOUT_MS) || 90_000;
    log(`downloading chrome-headless-shell with Puppeteer (giving up after ${timeoutMs / 1000} s)`);
    const cli = path.join(root, 'node_modules', 'puppeteer', 'lib', 'cjs', 'puppeteer', 'node', 'cli.js');
    const download = await run(process.execPath, [cli, 'browsers', 'install', 'chrome-headless-shell'], {
      timeoutMs,
    });
    if (download.timedOut) log(`the download did not finish within ${timeoutMs / 1000} s; gave up`);
    else if (download.code !== 0) log(`the download failed (exit status ${download.code})`);
    browser = findBrowser();
  }

  if (!browser.found && canApt()) {
    log('installing Chromium with apt-get');
    // Debian calls it chromium; Ubuntu has chromium-browser (a snap underneath).
    // With recommends: they bring fonts.
    if (!(await aptInstall(['chromium'], { recommends: true }))) {
      await aptInstall(['chromium-browser'], { recommends: true });
    }
    browser = findBrowser();
  }

  if (!browser.found) {
    console.error(`\n${browser.advice}\n`);
    fail('no browser: PDF output will not work');
  }
  log(`browser: ${describe(browser.found)}`);
}

// ---------------------------------------------------------------------------
// 3. Test tools (--test)
// ---------------------------------------------------------------------------

if (withTests) {
  const epubcheckJar = process.env.EPUBCHECK_JAR || '/usr/share/java/epubcheck.jar';
  const tools = [
    { name: 'pdftotext', ok: () => which('pdftotext'), apt: 'poppler-utils', brew: 'poppler' },
    { name: 'pdffonts', ok: () => which('pdffonts'), apt: 'poppler-utils', brew: 'poppler' },
    { name: 'pdfinfo', ok: () => which('pdfinfo'), apt: 'poppler-utils', brew: 'poppler' },
    { name: 'qpdf', ok: () => which('qpdf'), apt: 'qpdf', brew: 'qpdf' },
    { name: 'java', ok: () => which('java'), apt: 'default-jre-headless', brew: 'openjdk' },
    { name: epubcheckJar, ok: () => existsSync(epubcheckJar), apt: 'epubcheck', brew: 'epubcheck' },
    { name: 'ebook-convert', ok: () => which('ebook-convert'), apt: 'calibre', brew: '--cask calibre' },
  ];
  const missing = () => tools.filter((tool) => !tool.ok());
  const packages = (list, key) => [...new Set(list.map((tool) => tool[key]))];

  log('checking the test tools');
  let absent = missing();
  if (absent.length > 0 && canApt()) {
    log(`missing: ${absent.map((tool) => tool.name).join(', ')}`);
    await aptInstall(packages(absent, 'apt'));
    absent = missing();
  }
  if (absent.length > 0) {
    const hint =
      process.platform === 'darwin'
        ? `brew install ${packages(absent, 'brew').join(' ')} (and set EPUBCHECK_JAR to Homebrew's epubcheck.jar)`
        : `sudo apt-get install -y ${packages(absent, 'apt').join(' ')}`;
    fail(`missing test tools: ${absent.map((tool) => tool.name).join(', ')}\nInstall them with: ${hint}`);
  }
  log(`test tools: ${tools.map((tool) => tool.name.replace(/^.*\//, '')).join(', ')} present`);
}

log(`ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
