/**
 * Resolves addresses of an imported page against the page's own address:
 * `../img/x.png` → `https://site/img/x.png`. Addresses that cannot be made
 * absolute are left to the plugins that use them to decide.
 */

/** Folders a browser's "save page, complete" puts a page's files in: `Page_files/`, `Page.files/`, `Page-Dateien/`. */
const SAVED_FOLDER = /^(?:\.\/)?[^/?#]*(?:_files|\.files|-Dateien|_archivos|_fichiers)\//i;

/** An absolute http(s) address for `ref`, or undefined when it cannot be had. */
export function absoluteUrl(ref: string, base: string | undefined): string | undefined {
  const value = ref.trim();
  if (!value || /^(?:data|blob|javascript|about|file):/i.test(value)) return undefined;
  if (SAVED_FOLDER.test(value)) return undefined;
  try {
    const url = value.startsWith('//') ? new URL('https:' + value) : new URL(value, base);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The largest candidate of a `srcset` (`a.jpg 640w, b.jpg 1280w` → `b.jpg`). */
export function largestFromSrcset(srcset: string): string | undefined {
  let best: { url: string; size: number } | undefined;
  for (const part of srcset.split(/,\s+/)) {
    const [url, descriptor = '1x'] = part.trim().split(/\s+/);
    if (!url) continue;
    const size = Number.parseFloat(descriptor) * (descriptor.endsWith('w') ? 1 : 1000);
    if (!best || size > best.size) best = { url, size: Number.isFinite(size) ? size : 0 };
  }
  return best?.url;
}
