/**
 * The build's one browser: launched the first time an output asks for it
 * (the PDFs, or the EPUB's cover), shared by every output, and closed
 * exactly once by whoever created it — the build, at its end or on Ctrl-C.
 * Outputs never launch or close a browser of their own.
 */
import type { Browser } from 'puppeteer';
import type { BookConfig } from '../config.ts';
import { closeBrowser, launchBrowser, requireBrowser } from './pdf/browser.ts';
import { OFFLINE_ARGS } from './pdf/printer.ts';

export class SharedBrowser {
  private launching: Promise<Browser> | undefined;
  private closed = false;

  constructor(
    private readonly config: BookConfig,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * The browser, launched on first call. Rejects with BrowserNotFoundError
   * or BrowserLaunchError (whose messages are advice for the reader).
   */
  get(): Promise<Browser> {
    if (this.closed) return Promise.reject(new Error('the build has closed its browser'));
    this.launching ??= (async () => {
      const found = await requireBrowser({ explicitPath: this.config.pdf.browser, baseDir: this.config.base });
      // With a signal the build owns Ctrl-C and closes the browser itself.
      const browser = await launchBrowser({ executablePath: found.path, timeoutMs: this.config.pdf.timeout, args: OFFLINE_ARGS, handleSignals: !this.signal });
      if (this.closed) await closeBrowser(browser);
      return browser;
    })();
    return this.launching;
  }

  /** Whether a browser was launched (or is being launched). */
  get started(): boolean {
    return this.launching !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const launching = this.launching;
    if (!launching) return;
    try {
      await closeBrowser(await launching);
    } catch {
      // It never started: nothing to close.
    }
  }
}
