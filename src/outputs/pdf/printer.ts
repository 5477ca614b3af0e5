/**
 * Prints HTML to PDF on a small pool of browser pages.
 *
 * Each page loads one "shell" document once (stylesheet and fonts), and every
 * job then only swaps the body, the language and the page rules, so fonts are
 * decoded once per page instead of once per article. Pages run without
 * JavaScript.
 *
 * Nothing outside the build can be read: the shell lives at a made-up origin
 * (`https://print.anthology.invalid/`), every request is intercepted, the
 * files of the build (the stylesheet, the fonts, the articles' images, the
 * cover) are answered from a fixed table, and every other request (any other
 * URL, `file:`, a local server) is refused before it leaves the browser.
 * As a second line, the browser runs with a host resolver that resolves
 * nothing and a proxy that does not exist.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, HTTPRequest, Page } from 'puppeteer';

export const PRINT_ORIGIN = 'https://print.anthology.invalid';

/** Chrome flags that keep a page from reaching any network, even if a request escaped interception. */
export const OFFLINE_ARGS = [
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  '--dns-prefetch-disable',
  '--disable-features=NetworkPrediction,PrivacySandboxSettings4,OptimizationHints,MediaRouter',
];

export interface ServedFile {
  /** Absolute path of the file, or its content. */
  file?: string;
  body?: string | Buffer;
  type: string;
}

export interface PrintJob {
  /** Body of the document: HTML built from templates and escaped trees. */
  body: string;
  lang: string;
  title: string;
  /** Page rules of this job (size, margins, running heads). */
  pageCss: string;
  /** Chromium's outline from the headings (the article's bookmarks). */
  outline: boolean;
  /** Names the job in errors. */
  label: string;
}

export interface PrinterOptions {
  browser: Browser;
  concurrency: number;
  /** Milliseconds a job may take (load and print). */
  timeoutMs: number;
  /** The stylesheet every document links. */
  css: string;
  /** Files the documents may load, by path below the print origin (`/fonts/x.woff2`). */
  files: ReadonlyMap<string, ServedFile>;
  signal?: AbortSignal;
  /** Called for every refused request. */
  onBlocked?: (url: string, job: string | undefined) => void;
}

interface Slot {
  page: Page;
  job: string | undefined;
}

export class PrintTimeoutError extends Error {
  constructor(label: string, ms: number) {
    super(`Printing ${label} took longer than ${Math.round(ms / 1000)} s (pdf.timeout in the book config) and was stopped`);
    this.name = 'PrintTimeoutError';
  }
}

export class Printer {
  private readonly free: Slot[] = [];
  private readonly waiting: { resolve: (slot: Slot) => void; reject: (error: unknown) => void }[] = [];
  private readonly cache = new Map<string, Promise<Buffer>>();
  private readonly shell: string;
  private closed = false;
  /** Pages in the pool (free or printing). */
  private live = 0;
  private broken: Error | undefined;

  private constructor(private readonly options: PrinterOptions) {
    this.shell =
      // The job's page rules come before the stylesheet: Chromium lets a later
      // `@page :right` override an earlier named page's margins (`@page cover`).
      '<!doctype html><html><head><meta charset="utf-8"><title></title><link rel="icon" href="data:,">' +
      `<style id="page-rules"></style><link rel="stylesheet" href="${PRINT_ORIGIN}/print.css"></head><body></body></html>`;
  }

  /** Opens the pool's pages. */
  static async open(options: PrinterOptions): Promise<Printer> {
    const printer = new Printer(options);
    const slots = await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => printer.newSlot()));
    printer.free.push(...slots);
    printer.live = slots.length;
    return printer;
  }

  /**
   * Prints one job. A page that crashes, fails or runs over the time limit is
   * replaced by a fresh one and the job is tried once more there; a second
   * failure is final, and says so.
   */
  async print(job: PrintJob): Promise<Uint8Array> {
    try {
      return await this.printOnce(job);
    } catch (error) {
      if (this.closed || this.options.signal?.aborted) throw error;
      try {
        return await this.printOnce(job);
      } catch (again) {
        if (again instanceof Error) again.message += ' (twice: it was tried again in a fresh page)';
        throw again;
      }
    }
  }

  /** Prints one job on the next free page. */
  private async printOnce(job: PrintJob): Promise<Uint8Array> {
    this.options.signal?.throwIfAborted();
    const slot = await this.acquire();
    let healthy = true;
    try {
      return await this.withTimeout(this.run(slot, job), job.label, () => {
        healthy = false;
      });
    } catch (error) {
      healthy = false;
      throw error;
    } finally {
      slot.job = undefined;
      if (healthy || this.closed) this.release(slot);
      else this.replace(slot);
    }
  }

  /** Stops handing out pages; pending jobs fail. The browser is closed by its owner. */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(this.options.signal?.reason ?? new Error('The printer was closed'));
  }

  private async run(slot: Slot, job: PrintJob): Promise<Uint8Array> {
    slot.job = job.label;
    const { page } = slot;
    await page.evaluate(
      async (body: string, css: string, lang: string, title: string) => {
        document.getElementById('page-rules')!.textContent = css;
        document.documentElement.lang = lang;
        document.title = title;
        document.body.innerHTML = body;
        void document.body.offsetHeight;
        await document.fonts.ready;
      },
      job.body,
      job.pageCss,
      job.lang,
      job.title,
    );
    // Images: polled rather than awaited with img.decode(), which never
    // settles in a page that is not the visible tab.
    for (let i = 0; await page.evaluate(() => Array.from(document.images).some((img) => !img.complete)); i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 + 5 * i)));
    }
    this.options.signal?.throwIfAborted();
    const pdf = await page.pdf({
      tagged: true,
      outline: job.outline,
      printBackground: true,
      preferCSSPageSize: true,
      timeout: this.options.timeoutMs,
    });
    // Free the document's memory before the page waits for its next job.
    await page.evaluate(() => {
      document.body.innerHTML = '';
    });
    return pdf;
  }

  private async newSlot(): Promise<Slot> {
    const page = await this.options.browser.newPage();
    const slot: Slot = { page, job: undefined };
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => void this.answer(request, slot));
    page.setDefaultTimeout(this.options.timeoutMs);
    await page.goto(`${PRINT_ORIGIN}/`, { waitUntil: 'load', timeout: this.options.timeoutMs });
    return slot;
  }

  private async answer(request: HTTPRequest, slot: Slot): Promise<void> {
    const url = request.url();
    try {
      if (url.startsWith('data:')) return await request.continue();
      const served = url.startsWith(PRINT_ORIGIN + '/') ? this.lookup(new URL(url).pathname) : undefined;
      if (!served || request.method() !== 'GET') {
        this.options.onBlocked?.(url, slot.job);
        return await request.abort('blockedbyclient');
      }
      const body = await served();
      await request.respond({ status: 200, body: body.data, contentType: body.type, headers: { 'Cache-Control': 'max-age=3600' } });
    } catch {
      // The page went away, or the file could not be read: the request fails.
      await request.abort('failed').catch(() => {});
    }
  }

  private lookup(pathname: string): (() => Promise<{ data: Buffer | string; type: string }>) | undefined {
    if (pathname === '/') return async () => ({ data: this.shell, type: 'text/html; charset=utf-8' });
    if (pathname === '/print.css') return async () => ({ data: this.options.css, type: 'text/css; charset=utf-8' });
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    const entry = this.options.files.get(decoded);
    if (!entry) return undefined;
    return async () => {
      if (entry.body !== undefined) return { data: entry.body, type: entry.type };
      let data = this.cache.get(entry.file!);
      if (!data) {
        data = readFile(entry.file!);
        // Fonts are asked for by every page of the pool: keep them; images are read once per use.
        if (entry.type.startsWith('font/')) this.cache.set(entry.file!, data);
      }
      return { data: await data, type: entry.type };
    };
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('The printer is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next.resolve(slot);
    else this.free.push(slot);
  }

  /** A page that timed out or failed is closed and replaced by a fresh one. */
  private replace(slot: Slot): void {
    void slot.page.close().catch(() => {});
    if (this.closed) return;
    this.live--;
    this.newSlot().then(
      (fresh) => {
        this.live++;
        this.release(fresh);
      },
      (error: unknown) => {
        // No new page (the browser is gone or broken): when no page is left,
        // the jobs waiting for one fail instead of waiting for ever.
        if (this.live > 0) return;
        this.broken = new Error(`The browser cannot open a page to print on: ${(error as Error).message}`);
        for (const w of this.waiting.splice(0)) w.reject(this.broken);
      },
    );
  }

  private withTimeout<T>(work: Promise<T>, label: string, onTimeout: () => void): Promise<T> {
    const { timeoutMs, signal } = this.options;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(new PrintTimeoutError(label, timeoutMs));
      }, timeoutMs);
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }
}
