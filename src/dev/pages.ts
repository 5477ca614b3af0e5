/**
 * The dev server's own pages (the error page, "not found", the print
 * preview) and what it adds to the site's pages: the live-reload client.
 *
 * They come from `templates/dev/` of the tool, never from the book's own
 * templates folder: they must render when the book's templates are broken.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Liquid } from 'liquidjs';
import { TOOL_ROOT } from '../build.ts';
import { fontFaceCss, fontFaces } from '../assets/fonts.ts';

export const DEV_TEMPLATES = path.join(TOOL_ROOT, 'templates', 'dev');
/** Prefix of every address of the dev server's own (never a site file: the site has no folder starting with `__`). */
export const DEV_PREFIX = '/__anthology/';
export const CLIENT_PATH = `${DEV_PREFIX}client.js`;
export const EVENTS_PATH = `${DEV_PREFIX}events`;
export const FONTS_PATH = `${DEV_PREFIX}fonts/`;

let engine: Liquid | undefined;

function liquid(): Liquid {
  // Read anew each time: these pages are few, and editing them should not need a restart.
  engine ??= new Liquid({ root: [DEV_TEMPLATES], extname: '.liquid', outputEscape: 'escape', cache: false, strictFilters: true, jsTruthy: true });
  return engine;
}

export function renderDevPage(name: 'error' | 'not-found' | 'print', data: object): Promise<string> {
  return liquid().renderFile(name, data);
}

/** A static file of templates/dev (the client script, the stylesheets). */
export function devFile(name: string): Promise<Buffer> {
  return readFile(path.join(DEV_TEMPLATES, name));
}

/** The fonts of the dev pages: the site's own, served from their packages (there may be no site yet). */
export function devFontCss(): string {
  return fontFaceCss(fontFaces(), FONTS_PATH);
}

export function devFont(name: string): string | undefined {
  return fontFaces().find((f) => f.file.name === name)?.file.source;
}

export interface ClientOptions {
  /** The print preview of this page. */
  print?: string;
  /** What the page is: a site page, the error page, a print preview. */
  mode?: 'site' | 'error' | 'print' | 'missing';
}

/** The tag that loads the live-reload client. */
export function clientTag(options: ClientOptions = {}): string {
  const data = [`data-mode="${options.mode ?? 'site'}"`, options.print ? `data-print="${escapeAttr(options.print)}"` : ''].filter(Boolean).join(' ');
  return `<script src="${CLIENT_PATH}" ${data} defer></script>`;
}

/** Adds the live-reload client to an HTML page (dev only: the built files never have it). */
export function injectClient(html: string, options: ClientOptions = {}): string {
  const tag = clientTag(options);
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + tag : html.slice(0, at) + tag + '\n' + html.slice(at);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
