/**
 * Chromium for the EPUB: renders the generated cover and converts images
 * that e-readers cannot show. Launched on first use only (most books need it
 * for the cover alone), closed exactly once, and every page it opens is cut
 * off from the network: the only requests answered are for the files given
 * to `open()`, from memory.
 */
import type { Browser, Page } from 'puppeteer';
import type { BookConfig } from '../../config.ts';
import { BrowserNotFoundError } from '../pdf/browser.ts';
import { SharedBrowser } from '../shared-browser.ts';

/** An origin that never resolves: pages are served from memory under it. */
export const ORIGIN = 'https://anthology.invalid/';

export interface Resource {
  type: string;
  body: Buffer | string;
}

export class EpubBrowser {
  private browser: Promise<Browser | undefined> | undefined;
  private readonly config: BookConfig;
  /** Why there is no browser, once that is known. */
  unavailable: string | undefined;

  private readonly shared: SharedBrowser;
  private readonly owned: boolean;

  /** `shared`: the build's browser (see shared-browser.ts); without it, this owns one and closes it. */
  constructor(config: BookConfig, shared?: SharedBrowser) {
    this.config = config;
    this.shared = shared ?? new SharedBrowser(config);
    this.owned = !shared;
  }

  /** The browser, launched on first call; undefined (with `unavailable` set) when there is none. */
  get(): Promise<Browser | undefined> {
    this.browser ??= this.shared.get().catch((error: Error) => {
      this.unavailable = error instanceof BrowserNotFoundError ? 'no Chrome or Chromium was found (see `npm run setup`)' : error.message.split('\n')[0];
      return undefined;
    });
    return this.browser;
  }

  /**
   * Opens `path` (a key of `files`) in a new page of the given size. Only
   * requests for `files` are answered; everything else is refused.
   */
  async open(files: ReadonlyMap<string, Resource>, path: string, size: { width: number; height: number }): Promise<Page | undefined> {
    const browser = await this.get();
    if (!browser) return undefined;
    // Through the shared browser: on a remote browser the page goes into the build's own context.
    const page = await this.shared.newPage();
    page.setDefaultTimeout(this.config.pdf.timeout);
    await page.setViewport({ ...size, deviceScaleFactor: 1 });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      const file = url.startsWith(ORIGIN) ? files.get(decodeURIComponent(url.slice(ORIGIN.length).split(/[?#]/)[0]!)) : undefined;
      if (file) void request.respond({ status: 200, contentType: file.type, body: file.body });
      else void request.abort('blockedbyclient');
    });
    await page.goto(ORIGIN + path, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return page;
  }

  /** Closes the browser if this owns it; the build's shared browser is closed by the build. */
  async close(): Promise<void> {
    if (this.owned) await this.shared.close();
  }
}
