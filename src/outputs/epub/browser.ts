/**
 * The EPUB's pages in the build's browser: the generated cover, and images
 * that e-readers cannot show converted. The browser is the build's
 * (src/browser/pool.ts), started on the first page asked for (most books
 * need it for the cover alone); every page is served by the build's request
 * policy (src/browser/requests.ts): only the files given to `open()`, from
 * memory.
 */
import type { Browser, Page } from 'puppeteer';
import { BrowserNotFoundError } from '../../browser/find.ts';
import type { SharedBrowser } from '../../browser/pool.ts';
import { serveOnly } from '../../browser/requests.ts';
import type { BookConfig } from '../../config.ts';

/** An origin that never resolves: pages are served from memory under it. */
export const ORIGIN = 'https://anthology.invalid';

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

  constructor(config: BookConfig, shared: SharedBrowser) {
    this.config = config;
    this.shared = shared;
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
    await serveOnly(page, {
      origin: ORIGIN,
      lookup: (pathname) => {
        const file = files.get(pathname.slice(1));
        return file && (async () => ({ data: file.body, type: file.type }));
      },
    });
    await page.goto(`${ORIGIN}/${path}`, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return page;
  }
}
