/**
 * Connecting to a browser someone else runs (`--browser-ws`): a Chrome with
 * remote debugging or a browserless service. Such a browser is let go with
 * `disconnect()`, never closed.
 */
import type { Browser } from 'puppeteer';

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

