/**
 * Addresses as valid URLs. Articles bring addresses as people write them —
 * `MAILTO:` in capitals, a second `#` (`https://example.com/#docs#part`),
 * spaces, `|` — and browsers follow most of them; but HTML checkers, strict
 * URI parsers (epubcheck, reading systems) and screen readers' link lists
 * need them valid. These functions escape what a URL does not allow and
 * change nothing a browser would read differently.
 */

/** Characters RFC 3986 allows outside the host (with `%` for escapes). */
const NOT_URI = /[^A-Za-z0-9\-._~:/?@!$&'()*+,;=%]/g;

/**
 * An absolute URL as a URI that strict parsers (epubcheck, Java's URI,
 * Adobe's reading systems) accept. The WHATWG parser normalises but leaves
 * some characters raw that RFC 3986 forbids: `|`, `^`, `[`, `]`, a second
 * `#` in the fragment, a `%` that starts no escape. Those are escaped here.
 */
export function strictUri(href: string): string | undefined {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  const encode = (part: string) => part.replace(/%(?![0-9A-Fa-f]{2})/g, '%25').replace(NOT_URI, (c) => encodeURIComponent(c));
  const auth = u.username ? `${encode(u.username)}${u.password ? ':' + encode(u.password) : ''}@` : '';
  const authority = u.host ? `//${auth}${u.host}` : href.slice(u.protocol.length).startsWith('//') ? '//' : '';
  const fragment = u.hash ? '#' + encode(u.hash.slice(1)).replace(/#/g, '%23') : '';
  return `${u.protocol}${authority}${encode(u.pathname)}${encode(u.search)}${fragment}`;
}

/** Schemes whose addresses are written out as strict URIs; any other is left as it is (the sanitizer decides about it). */
const WEB_SCHEME = /^(https?|mailto):/i;
/** ASCII characters no part of a URL may hold raw: controls, space, `"<>\^`{|}`, and `[]` outside a host. */
const NOT_URL = /[\u0000-\u0020"<>\\^`{|}\u007f[\]]/g;
/** A run of percent-escapes of bytes ≥ 0x80: a letter outside ASCII, in UTF-8. */
const NON_ASCII_ESCAPES = /(?:%[89A-Fa-f][0-9A-Fa-f])+/g;
/** Characters that may stand raw in a URL's path or fragment (no controls, no spaces, nothing unassigned). */
const READABLE = /^[^\p{C}\p{Z}]+$/u;

/**
 * An address from an article as a valid URL:
 *
 * - absolute web addresses (`http:`, `https:`, `mailto:`, in any case):
 *   the scheme in lower case; as written when that is a URI already, else
 *   as a strict URI (`strictUri`: a second `#` escaped as `%23`, escapes
 *   kept, the host in ASCII);
 * - relative addresses and fragments with the characters URLs do not allow
 *   escaped (a space as `%20`, a second `#` as `%23`, a `%` that starts no
 *   escape as `%25`), escapes kept, and letters of any script as they read
 *   (`#%E6%B4%BB` is `#活`, as heading ids are written);
 * - anything else (`javascript:`, `data:`) unchanged.
 */
export function validUrl(address: string): string {
  const href = address.trim();
  if (WEB_SCHEME.test(href)) {
    const lower = href.replace(/^[^:]+/, (scheme) => scheme.toLowerCase());
    // Already a URI (the usual case): kept as written, but for the scheme.
    if (!/[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})|#.*#/.test(lower) && URL.canParse(lower)) return lower;
    return strictUri(lower) ?? escapeUrl(lower);
  }
  // Another scheme, or what the sanitizer takes for one (a `:` before any `/`, `?` or `#`).
  if (/^[^/?#]*:/.test(href)) return address;
  return escapeUrl(href);
}

/** A relative URL (or one that would not parse) with only what no URL may hold raw escaped. */
function escapeUrl(href: string): string {
  const hash = href.indexOf('#');
  const escape = (part: string) =>
    part
      .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
      .replace(NOT_URL, (c) => encodeURIComponent(c))
      .replace(NON_ASCII_ESCAPES, (run) => {
        try {
          const text = decodeURIComponent(run);
          return READABLE.test(text) ? text : run;
        } catch {
          return run;
        }
      });
  if (hash < 0) return escape(href);
  return `${escape(href.slice(0, hash))}#${escape(href.slice(hash + 1)).replace(/#/g, '%23')}`;
}

/**
 * The fragment (without `#`) that leads to the element with this id: the
 * id as it reads, with what a URL does not allow (`%`, `#`, spaces)
 * escaped. Browsers find `id="a b"` from `#a%20b`.
 */
export function fragmentFor(id: string): string {
  return id.replace(/%/g, '%25').replace(/#/g, '%23').replace(NOT_URL, (c) => encodeURIComponent(c));
}
