/**
 * Whether one address still answers: a HEAD request (a GET when the server
 * refuses HEAD with 405 or 501), redirects followed by hand so that each
 * one is seen, and one time limit for the whole chain. Never throws: every
 * outcome, a network failure included, is a `SourceCheck`.
 */

/** `ok`: answers 2xx where it is; `moved`: answers 2xx elsewhere; `gone`: 404 or 410; `other`: any other status; `no-answer`: no response at all. */
export type SourceStatus = 'ok' | 'moved' | 'gone' | 'other' | 'no-answer';

export interface Redirect {
  /** 301, 302, 303, 307, 308. */
  code: number;
  /** The absolute address it points to. */
  location: string;
}

export interface SourceCheck {
  url: string;
  status: SourceStatus;
  /** The last HTTP status received, if any. */
  code?: number;
  /** Every redirect, in order. */
  redirects: Redirect[];
  /** Where the address leads now (the last redirect's location), when it moved. */
  location?: string;
  /** Why there was no answer (or what was odd about it), in words. */
  message?: string;
  /** HEAD (or GET, when HEAD was refused) of the last request. */
  method?: 'HEAD' | 'GET';
  /** Time taken, in milliseconds. */
  ms: number;
}

export interface CheckOptions {
  /** For the whole check of the address, redirects included. */
  timeoutMs: number;
  /** Redirects followed at most; default 10. */
  maxRedirects?: number;
  /** The `fetch` to use (tests); default Node's own. */
  fetch?: typeof fetch;
  /** The User-Agent sent. */
  userAgent?: string;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function checkSource(url: string, options: CheckOptions): Promise<SourceCheck> {
  const started = performance.now();
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const redirects: Redirect[] = [];
  const seconds = formatSeconds(options.timeoutMs);
  const done = (r: Omit<SourceCheck, 'url' | 'redirects' | 'ms'>): SourceCheck => ({ url, redirects, ...r, ms: Math.round(performance.now() - started) });

  let current = url;
  let code: number | undefined;
  let method: 'HEAD' | 'GET' = 'HEAD';
  for (;;) {
    try {
      const request = async (m: 'HEAD' | 'GET') => {
        method = m;
        const response = await doFetch(current, {
          method: m,
          redirect: 'manual',
          signal,
          headers: { 'user-agent': options.userAgent ?? 'anthology-check-sources', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
        });
        // Only the status matters: the body is never read.
        await response.body?.cancel().catch(() => undefined);
        return response;
      };
      let response = await request('HEAD');
      if (response.status === 405 || response.status === 501) response = await request('GET');
      code = response.status;
      if (REDIRECT.has(code)) {
        const to = response.headers.get('location');
        const next = to ? resolve(to, current) : undefined;
        if (!next) return done({ status: 'other', code, method, message: `a ${code} redirect without a usable Location header` });
        redirects.push({ code, location: next });
        if (redirects.length > (options.maxRedirects ?? 10)) return done({ status: 'other', code, method, location: next, message: `more than ${options.maxRedirects ?? 10} redirects` });
        current = next;
        continue;
      }
      const location = redirects.length ? current : undefined;
      if (code >= 200 && code < 300) return done({ status: location ? 'moved' : 'ok', code, method, ...(location ? { location } : {}) });
      if (code === 404 || code === 410) return done({ status: 'gone', code, method, ...(location ? { location } : {}) });
      return done({ status: 'other', code, method, ...(location ? { location } : {}) });
    } catch (error) {
      return done({ status: 'no-answer', method, ...(code !== undefined ? { code } : {}), ...(redirects.length ? { location: current } : {}), message: networkReason(error, seconds) });
    }
  }
}

/** What went wrong, in words: `no answer within 10 s`, `connection refused`, `no such host`… */
export function networkReason(error: unknown, seconds: string): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') return `no answer within ${seconds}`;
  const code = e?.cause?.code ?? (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed without an answer';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no answer within ${seconds}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (code && /CERT|SSL|TLS/i.test(code)) return `TLS certificate problem (${code})`;
      return e?.cause?.message ?? e?.message ?? String(error);
  }
}

function resolve(location: string, base: string): string | undefined {
  try {
    const u = new URL(location, base);
    return /^https?:$/.test(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms % 1000 ? 1 : 0))} s`;
}
