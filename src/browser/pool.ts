/**
 * The build's browsers, and their one owner: created by the build, started
 * the first time a stage asks for them (the PDFs, the EPUB's cover), handed
 * to every stage that needs one, and let go exactly once by the build, at
 * its end or on Ctrl-C. Stages never launch or close a browser of their own.
 *
 * Usually that is one local Chromium, launched and closed here. With
 * `browserWs` (`--browser-ws`) it is instead one or more browsers someone
 * else runs (a Chrome with remote debugging, a browserless service): no
 * local browser is needed then. Those are connected to, never closed: the
 * build opens its pages in a browser context of its own on each (with a proxy
 * that does not exist, like the local browser's), and at the end closes that
 * context, with every page in it, and disconnects.
 */
import type { Browser, BrowserContext, Page } from 'puppeteer';
import type { BookConfig } from '../config.ts';
import { BrowserConnectError, connectBrowser, displayUrl } from './connect.ts';
import { requireBrowser } from './find.ts';
import { closeBrowser, launchBrowser, OFFLINE_ARGS, OFFLINE_PROXY } from './launch.ts';

/** Longest wait for a remote browser to answer. */
const CONNECT_TIMEOUT_MS = 30_000;
/** Longest wait for a remote browser to close our pages before we disconnect anyway. */
const RELEASE_GRACE_MS = 5_000;

/** One of the build's browsers. */
export interface BuildBrowser {
  /** `local`, or the address of a remote browser (without credentials and query: tokens stay out of messages). */
  readonly name: string;
  readonly remote: boolean;
  readonly browser: Browser;
  /** Opens a page for the build (on a remote browser: in the build's own browser context). */
  newPage(): Promise<Page>;
}

interface Remote extends BuildBrowser {
  /** Closes the build's pages there and disconnects. */
  release(): Promise<void>;
}

export class SharedBrowser {
  private starting: Promise<BuildBrowser[]> | undefined;
  private closed = false;
  private readonly endpoints: readonly string[];

  /** `browserWs`: addresses of remote browsers to print on instead of launching one (ws://, wss://, http://host:port). */
  constructor(
    private readonly config: BookConfig,
    private readonly signal?: AbortSignal,
    browserWs: readonly string[] = [],
  ) {
    this.endpoints = browserWs.map((s) => s.trim()).filter(Boolean);
  }

  /** Whether the build prints on remote browsers. */
  get remote(): boolean {
    return this.endpoints.length > 0;
  }

  /**
   * The first browser (the EPUB's cover uses it). Rejects with
   * BrowserNotFoundError, BrowserLaunchError or BrowserConnectError (whose
   * messages are advice for the reader).
   */
  async get(): Promise<Browser> {
    return (await this.first()).browser;
  }

  /** Opens a page for the build on its first browser that is still connected. */
  async newPage(): Promise<Page> {
    return (await this.first()).newPage();
  }

  /** Every browser: the local one, or one per remote address, in the order given. */
  getAll(): Promise<BuildBrowser[]> {
    if (this.closed) return Promise.reject(new Error('the build has closed its browser'));
    this.starting ??= this.endpoints.length > 0 ? this.connectAll() : this.launch();
    return this.starting;
  }

  /** Whether a browser was launched or connected to (or is being). */
  get started(): boolean {
    return this.starting !== undefined;
  }

  /** Closes the local browser; closes the build's pages on remote browsers and disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    const starting = this.starting;
    if (!starting) return;
    let all: BuildBrowser[];
    try {
      all = await starting;
    } catch {
      // It never started: nothing to close.
      return;
    }
    await Promise.all(all.map((b) => ('release' in b ? (b as Remote).release() : closeBrowser(b.browser))));
  }

  private async first(): Promise<BuildBrowser> {
    const all = await this.getAll();
    return all.find((b) => b.browser.connected) ?? all[0]!;
  }

  private async launch(): Promise<BuildBrowser[]> {
    const found = await requireBrowser({ explicitPath: this.config.pdf.browser, baseDir: this.config.base });
    // With a signal the build owns Ctrl-C and closes the browser itself.
    const browser = await launchBrowser({ executablePath: found.path, timeoutMs: this.config.pdf.timeout, args: OFFLINE_ARGS, handleSignals: !this.signal });
    if (this.closed) await closeBrowser(browser);
    return [{ name: 'local', remote: false, browser, newPage: () => browser.newPage() }];
  }

  private async connectAll(): Promise<BuildBrowser[]> {
    const timeoutMs = Math.min(this.config.pdf.timeout, CONNECT_TIMEOUT_MS);
    const settled = await Promise.allSettled(
      this.endpoints.map((url) => connectBrowser(url, { timeoutMs, protocolTimeoutMs: this.config.pdf.timeout, signal: this.signal })),
    );
    const names = uniqueNames(this.endpoints.map(displayUrl));
    const remotes = await Promise.all(settled.map((s, i) => (s.status === 'fulfilled' ? remote(s.value, names[i]!) : undefined)));
    const connected = remotes.filter((r): r is Remote => r !== undefined);
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failed.length > 0 || this.closed) {
      await Promise.all(connected.map((r) => r.release()));
      if (this.closed) throw new Error('the build has closed its browser');
      const aborted = failed.find((e) => !(e instanceof BrowserConnectError));
      if (aborted !== undefined) throw aborted;
      const errors = failed as BrowserConnectError[];
      throw errors.length === 1 ? errors[0] : new BrowserConnectError(errors.flatMap((e) => e.failures), errors[0]);
    }
    return connected;
  }
}

/** A connected remote browser, with a browser context of the build's own. */
async function remote(browser: Browser, name: string): Promise<Remote> {
  let context: BrowserContext | undefined;
  try {
    context = await browser.createBrowserContext({ proxyServer: OFFLINE_PROXY, proxyBypassList: ['<-loopback>'] });
  } catch {
    // A service that allows no new contexts: the pages go into the default
    // one, and are closed one by one at the end.
  }
  const pages = new Set<Page>();
  let releasing: Promise<void> | undefined;
  return {
    name,
    remote: true,
    browser,
    async newPage() {
      if (releasing) throw new Error(`the build has let go of the browser at ${name}`);
      const page = await (context ?? browser).newPage();
      pages.add(page);
      page.once('close', () => pages.delete(page));
      if (releasing) {
        await page.close().catch(() => {});
        throw new Error(`the build has let go of the browser at ${name}`);
      }
      return page;
    },
    release() {
      releasing ??= (async () => {
        if (browser.connected) {
          const closing = context ? context.close() : Promise.all([...pages].map((p) => p.close()));
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([closing.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, RELEASE_GRACE_MS)))]);
          clearTimeout(timer);
        }
        // Never browser.close(): the browser is someone else's.
        await Promise.resolve(browser.disconnect()).catch(() => {});
      })();
      return releasing;
    },
  };
}

/** Names for the job counts: the same address given twice (a browserless service can take it) gets `#2`. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return count === 1 ? n : `${n} #${count}`;
  });
}
