/**
 * Chromium for the EPUB: renders the generated cover and converts images
 * that e-readers cannot show. Launched on first use only (most books need it
 * for the cover alone), closed exactly once, and every page it opens is cut
 * off from the network: the only requests answered are for the files given
 * to `open()`, from memory.
 */
import type { Browser, Page } from 'puppeteer';
import type { BookConfig } from '../../config.ts';
import { closeBrowser, findBrowser, launchBrowser } from '../pdf/browser.ts';

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

  constructor(config: BookConfig) {
    this.config = config;
  }

  /** The browser, launched on first call; undefined (with `unavailable` set) when there is none. */
  get(): Promise<Browser | undefined> {
    this.browser ??= (async () => {
      try {
        const found = await findBrowser({ explicitPath: this.config.pdf.browser, baseDir: this.config.base });
        if (!found) {
          this.unavailable = 'no Chrome or Chromium was found (see `npm run setup`)';
          return undefined;
        }
        return await launchBrowser({ executablePath: found.path, timeoutMs: this.config.pdf.timeout });
      } catch (error) {
        this.unavailable = (error as Error).message.split('\n')[0];
        return undefined;
      }
    })();
    return this.browser;
  }

  /**
   * Opens `path` (a key of `files`) in a new page of the given size. Only
   * requests for `files` are answered; everything else is refused.
   */
  async open(files: ReadonlyMap<string, Resource>, path: string, size: { width: number; height: number }): Promise<Page | undefined> {
    const browser = await this.get();
    if (!browser) return undefined;
    const page = await browser.newPage();
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

  async close(): Promise<void> {
    const browser = await this.browser;
    if (browser) await closeBrowser(browser);
  }
}
