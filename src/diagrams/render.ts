/**
 * Mermaid diagrams as static SVG, rendered at build time in the build's own
 * browser (src/browser/pool.ts), from Mermaid's browser bundle in
 * node_modules: the page is served by the one request policy
 * (src/browser/requests.ts), so nothing else can be loaded. Labels are
 * pure SVG text in the book's fonts (measured in them) and colours; the
 * SVG comes back cleaned (page.browser.js) and is cached by its source.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Element, ElementContent } from 'hast';
import type { Page } from 'puppeteer';
import { find, svg as svgSchema } from 'property-information';
import type { SharedBrowser } from '../browser/pool.ts';
import { serveOnly } from '../browser/requests.ts';
import { type Cache, hashOf } from '../cache.ts';
import { printFonts } from '../outputs/pdf/print-fonts.ts';

const ORIGIN = 'https://diagrams.anthology.invalid';
const require = createRequire(import.meta.url);
const MERMAID_DIR = path.dirname(require.resolve('mermaid/package.json'));
const MERMAID_VERSION = (JSON.parse(readFileSync(path.join(MERMAID_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const PAGE_SCRIPT = readFileSync(new URL('./page.browser.js', import.meta.url), 'utf8');

/** The book's fonts and colours (templates/css/content.css), for every diagram. */
export const MERMAID_CONFIG = {
  startOnLoad: false,
  securityLevel: 'strict',
  htmlLabels: false,
  // Labels wrap later than Mermaid's 200 px: it measured 8 Chinese characters as wider and left the 8th alone on a line.
  flowchart: { htmlLabels: false, wrappingWidth: 260 },
  theme: 'base',
  fontFamily: '"Source Serif 4", "Noto Serif SC", serif',
  themeVariables: {
    fontFamily: '"Source Serif 4", "Noto Serif SC", serif',
    fontSize: '16px',
    background: '#fdfcf8',
    primaryColor: '#f4f1ea',
    primaryTextColor: '#1f1d1a',
    primaryBorderColor: '#8c7f6d',
    secondaryColor: '#efe6dc',
    tertiaryColor: '#fdfcf8',
    lineColor: '#5b564f',
    textColor: '#1f1d1a',
    edgeLabelBackground: '#fdfcf8',
    clusterBkg: '#f8f5ef',
    clusterBorder: '#d8cfbf',
    // Plain colours: a gradient is a paint server the cleaned SVG does not keep.
    useGradient: false,
  },
} as const;

export interface SvgNode {
  tag: string;
  attrs: Record<string, string>;
  children: (SvgNode | string)[];
}

export type Rendered = { tree: SvgNode; title: string; description: string } | { error: string; line?: number };

/** One page of the build's browser, with Mermaid loaded, rendering one diagram at a time. */
export class DiagramRenderer {
  private page: Promise<Page> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly browser: SharedBrowser,
    private readonly cache: Cache | undefined,
  ) {}

  /** The diagram of `source`, from the cache or the browser; rejects when there is no browser. */
  async render(source: string): Promise<Rendered> {
    const key = hashOf('mermaid', MERMAID_VERSION, JSON.stringify(MERMAID_CONFIG), PAGE_SCRIPT, source);
    const cached = await this.cache?.readJson<Rendered>('diagrams', key);
    if (cached) return cached;
    const run = this.queue.then(async () => {
      const page = await (this.page ??= this.open());
      const prefix = `dg-${key.slice(0, 10)}`;
      return (await page.evaluate(
        `(${PAGE_SCRIPT.replace(/^[\s\S]*?(async function renderDiagram)/, '$1')})(${JSON.stringify(source)}, ${JSON.stringify(prefix)}, ${JSON.stringify(MERMAID_CONFIG)})`,
      )) as Rendered;
    });
    this.queue = run.catch(() => undefined);
    const rendered = await run;
    await this.cache?.writeJson('diagrams', key, rendered);
    return rendered;
  }

  async close(): Promise<void> {
    const page = await this.page?.catch(() => undefined);
    await page?.close().catch(() => {});
  }

  private async open(): Promise<Page> {
    const page = await this.browser.newPage();
    const fonts = printFonts(`${ORIGIN}/fonts/`);
    const html = `<!doctype html><html><head><meta charset="utf-8"><style>${fonts.css}</style><script src="${ORIGIN}/mermaid.js"></script></head><body><div id="work"></div></body></html>`;
    await serveOnly(page, {
      origin: ORIGIN,
      lookup: (pathname) => {
        if (pathname === '/') return async () => ({ data: html, type: 'text/html' });
        if (pathname === '/mermaid.js') return async () => ({ data: await readFile(path.join(MERMAID_DIR, 'dist', 'mermaid.min.js')), type: 'text/javascript' });
        const font = pathname.startsWith('/fonts/') ? fonts.files.get(pathname.slice('/fonts/'.length)) : undefined;
        if (font) return async () => ({ data: await readFile(font), type: font.endsWith('.ttf') ? 'font/ttf' : 'font/woff2' });
        return undefined;
      },
    });
    await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });
    return page;
  }
}

/** A cleaned diagram as hast (SVG property names), with its text alternative. */
export function diagramElement(rendered: { tree: SvgNode; title: string; description: string }, source: string): Element {
  const convert = (node: SvgNode): Element => {
    const properties: Element['properties'] = {};
    for (const [name, value] of Object.entries(node.attrs)) properties[find(svgSchema, name).property] = value;
    const children: ElementContent[] = node.children.map((c) => (typeof c === 'string' ? { type: 'text', value: c } : convert(c)));
    return { type: 'element', tagName: node.tag, properties, children };
  };
  const svg = convert(rendered.tree);
  const { title, description } = rendered;
  // "标题。说明" or "Title. Description": the title ends as a sentence of its own script.
  const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}。！？]$/u.test(title);
  const first = title && description && !/[.!?。！？]$/u.test(title) ? `${title}${cjk ? '。' : '.'}` : title;
  const alternative = [first, description].filter(Boolean).join(cjk ? '' : ' ') || source.trim();
  svg.properties = { xmlns: 'http://www.w3.org/2000/svg', role: 'img', ariaLabel: alternative, ...svg.properties };
  return svg;
}
