/**
 * The one request policy of the build's pages: a page is served from the
 * build's own files under an origin that never resolves, and every other
 * request — the network, this machine's servers, other local files, other
 * methods — is refused before it leaves the browser, and reported. `data:`
 * addresses carry their content and are let through. (OFFLINE_ARGS in
 * launch.ts is the second line: a request that escaped would find no
 * network.) The PDFs' printer, the EPUB's cover and image conversion, and any
 * stage that renders in the browser go through here.
 */
import type { HTTPRequest, Page } from 'puppeteer';

export interface ServedBody {
  data: Buffer | string;
  type: string;
}

/** The file at a decoded path (`/images/a.png`), to be read when asked for; undefined: not ours. */
export type Lookup = (pathname: string) => (() => Promise<ServedBody>) | undefined;

export interface ServeOptions {
  /** `https://….invalid`, without a trailing slash. */
  origin: string;
  lookup: Lookup;
  /** Told of every refused request, with its address. */
  onBlocked?: (url: string) => void;
}

/** Turns on the policy for a page; call before its first navigation. */
export async function serveOnly(page: Page, options: ServeOptions): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request) => void answer(request, options));
}

async function answer(request: HTTPRequest, { origin, lookup, onBlocked }: ServeOptions): Promise<void> {
  const url = request.url();
  try {
    if (url.startsWith('data:')) return await request.continue();
    const pathname = url.startsWith(origin + '/') && request.method() === 'GET' ? decodePath(new URL(url).pathname) : undefined;
    const served = pathname === undefined ? undefined : lookup(pathname);
    if (!served) {
      onBlocked?.(url);
      return await request.abort('blockedbyclient');
    }
    const body = await served();
    await request.respond({ status: 200, body: body.data, contentType: body.type, headers: { 'Cache-Control': 'max-age=3600' } });
  } catch {
    // The page went away, or the file could not be read: the request fails.
    await request.abort('failed').catch(() => {});
  }
}

function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}
