/**
 * Prints HTML to PDF on a small pool of browser pages.
 *
 * Each page loads one "shell" document once (stylesheet and fonts), and every
 * job then only swaps the body, the language and the page rules, so fonts are
 * decoded once per page instead of once per article. Pages run without
 * JavaScript.
 *
 * Nothing outside the build can be read: the shell lives at a made-up origin
 * (`https://print.anthology.invalid/`), and the build's request policy
 * (src/browser/requests.ts) answers the files of the build (the stylesheet,
 * the fonts, the articles' images, the cover) from a fixed table and refuses
 * every other request. The pages come from the build's browsers
 * (src/browser/pool.ts), which this never launches or closes.
 *
 * The pool may span several browsers (`--browser-ws`): `concurrency` pages
 * on each, and every job goes to whichever page is free first, so a faster
 * browser takes more jobs. A browser that goes away takes its pages with it;
 * its jobs are tried again on the others.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer';
import type { BuildBrowser } from '../../browser/pool.ts';
import { serveOnly, type ServedBody } from '../../browser/requests.ts';

export const PRINT_ORIGIN = 'https://print.anthology.invalid';

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
  /** Make wide tables fit the text column (fit-tables.browser.js) before printing. */
  fit?: FitOptions;
  /** Measure the laid-out page for the print report (measure.browser.js) before printing. */
  measure?: MeasureOptions;
}

export interface MeasureOptions {
  /** Width of the text column, in CSS pixels: what sticks out of it is reported. */
  width?: number;
  /** Boxes of the page in CSS pixels: text must lie within one of `safe` and touch none of `clear`. */
  boxes?: { safe: PxBox[]; clear: PxBox[] };
}

export interface PxBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the measurement found in a page (see measure.browser.js). */
export interface Measured {
  images: { src: string; naturalWidth: number; naturalHeight: number; shownWidth: number; shownHeight: number }[];
  outside: { kind: 'outside' | 'cut' | 'unsafe' | 'clear'; tag: string; text: string; line?: number; by: number }[];
}

export interface FitOptions {
  /** Width of the text column, in CSS pixels. */
  width: number;
  /** Caption of a table's later parts when its columns are split. */
  continued: string;
  /** The smallest font scale a table may be set at. */
  minScale: number;
}

/** What was done to a table too wide for the page. */
export interface TableFit {
  /** Line of the table in the article, when known. */
  line?: number;
  columns: number;
  /** Font scale it was set at (1: unchanged). */
  scale: number;
  /** Whether long words in its cells may break anywhere. */
  wrapped: boolean;
  /** How many tables its columns were split into (1: not split). */
  parts: number;
}

export interface Printed {
  pdf: Uint8Array;
  tables: TableFit[];
  /** When the job asked for it. */
  measured?: Measured;
}

/** A script of this folder, as source text evaluated in the print page. */
const pageScript = (name: string): string => readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8').replace(/^\s*\/\/.*\n/gm, '').trim().replace(/;$/, '');
/** The table fitting. */
const FIT_SCRIPT = pageScript('./fit-tables.browser.js');
/** The print report's measurements. */
const MEASURE_SCRIPT = pageScript('./measure.browser.js');

export interface PrinterOptions {
  /** The browser to print on… */
  browser?: Browser;
  /** …or several: `concurrency` pages are opened on each. */
  browsers?: readonly BuildBrowser[];
  /** Pages per browser. */
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

interface Host extends BuildBrowser {
  /** Jobs printed on it. */
  jobs: number;
  /** Disconnected: its pages are gone from the pool. */
  lost: boolean;
  onDisconnected: () => void;
}

interface Slot {
  page: Page;
  job: string | undefined;
  host: Host;
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
  private readonly hosts: Host[];
  private closed = false;
  /** Pages in the pool (free or printing). */
  private readonly live = new Set<Slot>();
  /** Fresh pages being opened to replace failed ones. */
  private replacing = 0;
  private opened = 0;
  /** The pages of the start are open. */
  private ready = false;
  private broken: Error | undefined;

  private constructor(private readonly options: PrinterOptions) {
    const given = options.browsers ?? (options.browser ? [{ name: 'local', remote: false, browser: options.browser, newPage: () => options.browser!.newPage() }] : []);
    if (given.length === 0) throw new Error('The printer needs a browser');
    this.hosts = given.map((h) => {
      const host: Host = { name: h.name, remote: h.remote, browser: h.browser, newPage: () => h.newPage(), jobs: 0, lost: false, onDisconnected: () => this.lose(host) };
      return host;
    });
    this.shell =
      // The job's page rules come before the stylesheet: Chromium lets a later
      // `@page :right` override an earlier named page's margins (`@page cover`).
      '<!doctype html><html><head><meta charset="utf-8"><title></title><link rel="icon" href="data:,">' +
      `<style id="page-rules"></style><link rel="stylesheet" href="${PRINT_ORIGIN}/print.css"></head><body></body></html>`;
  }

  /**
   * Opens the pool's pages, taking turns between the browsers (so that a
   * light load is spread over them too). A browser that disconnects while
   * its pages open is left out; any other failure is final.
   */
  static async open(options: PrinterOptions): Promise<Printer> {
    const printer = new Printer(options);
    const hosts = Array.from({ length: Math.max(1, options.concurrency) }, () => printer.hosts).flat();
    for (const host of printer.hosts) host.browser.once('disconnected', host.onDisconnected);
    const opened = await Promise.allSettled(hosts.map((host) => printer.newSlot(host)));
    const slots = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = opened.findIndex((r, i) => r.status === 'rejected' && (hosts[i]!.browser.connected || slots.length === 0));
    if (failed >= 0) {
      printer.close();
      for (const slot of slots) void slot.page.close().catch(() => {});
      throw (opened[failed] as PromiseRejectedResult).reason;
    }
    for (const slot of slots) {
      if (slot.host.lost) continue;
      printer.live.add(slot);
      printer.free.push(slot);
    }
    printer.opened = printer.live.size;
    printer.ready = true;
    printer.checkBroken();
    return printer;
  }

  /** Pages opened at the start, over all browsers. */
  get size(): number {
    return this.opened;
  }

  /** Jobs printed on each browser, in the order they were given. */
  jobCounts(): { name: string; jobs: number }[] {
    return this.hosts.map((h) => ({ name: h.name, jobs: h.jobs }));
  }

  /**
   * Prints one job. A page that crashes, fails or runs over the time limit is
   * replaced by a fresh one and the job is tried once more there; a second
   * failure is final, and says so.
   */
  async print(job: PrintJob): Promise<Uint8Array> {
    return (await this.printed(job)).pdf;
  }

  /** Prints a job; also says what was done to fit its wide tables. */
  async printed(job: PrintJob): Promise<Printed> {
    let moved = 0;
    for (let attempt = 1; ; attempt++) {
      const tried: { host?: Host } = {};
      try {
        return await this.printOnce(job, tried);
      } catch (error) {
        if (this.closed || this.options.signal?.aborted || error === this.broken) throw error;
        // Its browser went away: the job goes to another one, and that does not count as a try.
        if (tried.host && !tried.host.browser.connected && this.live.size + this.replacing > 0 && moved++ < this.hosts.length) {
          attempt--;
          continue;
        }
        if (attempt === 1) continue;
        if (error instanceof Error) error.message += ' (twice: it was tried again in a fresh page)';
        throw error;
      }
    }
  }

  /** Prints one job on the next free page; `tried.host` tells where. */
  private async printOnce(job: PrintJob, tried: { host?: Host }): Promise<Printed> {
    this.options.signal?.throwIfAborted();
    const slot = await this.acquire();
    tried.host = slot.host;
    let healthy = true;
    try {
      const pdf = await this.withTimeout(this.run(slot, job), job.label, () => {
        healthy = false;
      });
      slot.host.jobs++;
      return pdf;
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
    for (const host of this.hosts) host.browser.off('disconnected', host.onDisconnected);
    for (const w of this.waiting.splice(0)) w.reject(this.options.signal?.reason ?? new Error('The printer was closed'));
  }

  private async run(slot: Slot, job: PrintJob): Promise<Printed> {
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
    const tables = job.fit ? await page.evaluate<[], () => TableFit[]>(`(${FIT_SCRIPT})(${JSON.stringify(job.fit)})`) : [];
    const measured = job.measure ? await page.evaluate<[], () => Measured>(`(${MEASURE_SCRIPT})(${JSON.stringify(job.measure)})`) : undefined;
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
    return measured ? { pdf, tables, measured } : { pdf, tables };
  }

  private async newSlot(host: Host): Promise<Slot> {
    const page = await host.newPage();
    const slot: Slot = { page, job: undefined, host };
    await page.setJavaScriptEnabled(false);
    await serveOnly(page, { origin: PRINT_ORIGIN, lookup: (pathname) => this.lookup(pathname), onBlocked: (url) => this.options.onBlocked?.(url, slot.job) });
    page.setDefaultTimeout(this.options.timeoutMs);
    await page.goto(`${PRINT_ORIGIN}/`, { waitUntil: 'load', timeout: this.options.timeoutMs });
    return slot;
  }

  private lookup(pathname: string): (() => Promise<ServedBody>) | undefined {
    if (pathname === '/') return async () => ({ data: this.shell, type: 'text/html; charset=utf-8' });
    if (pathname === '/print.css') return async () => ({ data: this.options.css, type: 'text/css; charset=utf-8' });
    const entry = this.options.files.get(pathname);
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
    if (this.live.size + this.replacing === 0) return Promise.reject(this.broken ?? new Error('The printer has no page left'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    if (!this.live.has(slot)) return;
    const next = this.waiting.shift();
    if (next) next.resolve(slot);
    else this.free.push(slot);
  }

  /**
   * A page that timed out or failed is closed and replaced by a fresh one
   * on the same browser; a page of a browser that went away is not.
   */
  private replace(slot: Slot): void {
    void slot.page.close().catch(() => {});
    if (this.closed) return;
    if (!this.live.delete(slot)) return;
    if (!slot.host.browser.connected) return this.lose(slot.host);
    this.replacing++;
    this.newSlot(slot.host).then(
      (fresh) => {
        this.replacing--;
        if (slot.host.lost) {
          void fresh.page.close().catch(() => {});
          this.checkBroken();
          return;
        }
        this.live.add(fresh);
        this.release(fresh);
      },
      (error: unknown) => {
        this.replacing--;
        this.checkBroken(`The browser cannot open a page to print on: ${(error as Error).message}`);
      },
    );
  }

  /** A browser disconnected: its pages leave the pool (those printing fail, and their jobs move on). */
  private lose(host: Host): void {
    if (host.lost) return;
    host.lost = true;
    host.browser.off('disconnected', host.onDisconnected);
    for (const slot of this.live) if (slot.host === host) this.live.delete(slot);
    for (let i = this.free.length - 1; i >= 0; i--) if (this.free[i]!.host === host) this.free.splice(i, 1);
    this.checkBroken();
  }

  /** When no page is left (and none is coming), the jobs waiting for one fail instead of waiting for ever. */
  private checkBroken(reason?: string): void {
    if (this.live.size > 0 || this.replacing > 0 || this.closed || !this.ready) return;
    const lost = this.hosts.filter((h) => h.lost);
    const gone =
      this.hosts.length > 1
        ? `All ${this.hosts.length} browsers have gone away (disconnected)`
        : this.hosts[0]!.remote
          ? `The browser at ${this.hosts[0]!.name} has gone away (disconnected)`
          : 'The browser has gone away (it crashed or was closed)';
    this.broken ??= new Error(lost.length === this.hosts.length || !reason ? gone : reason);
    for (const w of this.waiting.splice(0)) w.reject(this.broken);
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
