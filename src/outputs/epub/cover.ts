/**
 * The cover: the configured image, or one rendered from the cover template
 * (templates/epub/cover.liquid) by Chromium at 1600×2400 with the book's own
 * fonts, or, when no browser is available, an SVG drawn from
 * templates/epub/cover-svg.liquid. Every book gets a cover.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostics } from '../../diagnostics.ts';
import type { BookView, Labels, Templates } from '../../templates.ts';
import type { Book } from '../../types.ts';
import type { EpubBrowser, Resource } from './browser.ts';
import { FontPlanner } from './fonts.ts';
import { type EpubImage, imageSize, prepareImage } from './images.ts';
import { collectText, roleForLang } from './text.ts';
import { xmlChars } from './xml.ts';
import { createHash } from 'node:crypto';

export const COVER_WIDTH = 1600;
export const COVER_HEIGHT = 2400;

export interface CoverContext {
  book: Book;
  view: BookView;
  labels: Labels;
  templates: Templates;
  diagnostics: Diagnostics;
  browser: EpubBrowser;
  /** "Edited by …", in the book's language. */
  editorLine?: string;
  /** The rendered cover's image format (profile.ts). */
  format?: 'png' | 'jpeg';
}

export async function makeCover(ctx: CoverContext): Promise<EpubImage> {
  const { config } = ctx.book;
  if (config.cover) {
    const source = path.resolve(config.base, config.cover);
    if (!existsSync(source)) {
      ctx.diagnostics.error('epub-cover', `Missing cover image \`${config.cover}\`: no file at ${source}; fix \`cover:\` in the book config, or remove it to get a generated cover`, {
        file: config.file,
      });
    } else {
      const image = await prepareImage(source, 'cover', ctx, { rule: 'epub-cover' });
      if (image) return image;
      ctx.diagnostics.error('epub-cover', `The cover image \`${config.cover}\` cannot be used (see the warning about it); using a generated cover`, { file: config.file });
    }
  }
  const rendered = await renderCover(ctx);
  if (rendered) return rendered;
  ctx.diagnostics.warn(
    'epub-cover-browser',
    `Cannot render the cover with Chromium (${ctx.browser.unavailable ?? 'the page failed'}); the EPUB gets a plain SVG cover instead. Install Chromium (\`npm run setup\`) or set \`cover:\` in the book config`,
  );
  return svgCover(ctx);
}

/** The cover template as a PNG, with its text's fonts subset and served from memory. */
async function renderCover(ctx: CoverContext): Promise<EpubImage | undefined> {
  const role = roleForLang(ctx.view.lang);
  const data = (fontCss: string, fontFamily: string) => ({
    book: ctx.view,
    labels: ctx.labels,
    editorLine: ctx.editorLine,
    fontCss,
    fontFamily,
    width: COVER_WIDTH,
    height: COVER_HEIGHT,
  });
  // First pass: which characters the cover shows; second: with their fonts.
  const draft = await ctx.templates.render('epub/cover', data('', 'serif'));
  const planner = new FontPlanner();
  collectText(draft, planner);
  const fonts = await planner.build();
  const html = xmlChars(await ctx.templates.render('epub/cover', data(fonts.css, fonts.stacks[role])));
  const files = new Map<string, Resource>([['cover.html', { type: 'text/html; charset=utf-8', body: html }]]);
  for (const f of fonts.files) files.set(f.href, { type: f.mediaType, body: f.bytes });
  const page = await ctx.browser.open(files, 'cover.html', { width: COVER_WIDTH, height: COVER_HEIGHT }).catch((error: Error) => {
    ctx.browser.unavailable ??= `the cover page failed: ${error.message.split('\n')[0]}`;
    return undefined;
  });
  if (!page) return undefined;
  try {
    // Text marked data-fit="<px>" shrinks until its box is at most that high
    // and nothing sticks out sideways (long titles). Box heights count lines,
    // not the glyphs' ink, so tall CJK glyphs do not shrink a title that fits.
    // (No named functions in here: tsx would wrap them in a helper the page lacks.)
    await page.evaluate(() => {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-fit]'))) {
        const max = Number(el.dataset.fit) || Infinity;
        let size = parseFloat(getComputedStyle(el).fontSize);
        for (let i = 0; i < 80 && size > 12 && (el.offsetHeight > max || el.scrollWidth > el.clientWidth + 2); i++) {
          size = Math.floor(size * 0.95);
          el.style.fontSize = `${size}px`;
        }
      }
    });
    const clip = { x: 0, y: 0, width: COVER_WIDTH, height: COVER_HEIGHT };
    if (ctx.format === 'jpeg') {
      const bytes = Buffer.from(await page.screenshot({ type: 'jpeg', quality: 92, clip }));
      return { href: `images/cover-${hash(bytes)}.jpg`, mediaType: 'image/jpeg', bytes, width: COVER_WIDTH, height: COVER_HEIGHT };
    }
    const bytes = Buffer.from(await page.screenshot({ type: 'png', clip }));
    return { href: `images/cover-${hash(bytes)}.png`, mediaType: 'image/png', bytes, width: COVER_WIDTH, height: COVER_HEIGHT };
  } catch (error) {
    ctx.browser.unavailable = `the cover page failed: ${(error as Error).message.split('\n')[0]}`;
    return undefined;
  } finally {
    await page.close().catch(() => {});
  }
}

async function svgCover(ctx: CoverContext): Promise<EpubImage> {
  // SVG text does not wrap: lines are broken here, by an estimate of glyph widths.
  let titleSize = 150;
  let titleLines = wrap(ctx.view.title, titleSize, 1300);
  while (titleLines.length > 4 && titleSize > 60) titleLines = wrap(ctx.view.title, (titleSize -= 10), 1300);
  const titleTop = 1320 - titleLines.length * titleSize * 1.2;
  const ruleY = 1320 + 64;
  const subtitleLines = ctx.view.subtitle ? wrap(ctx.view.subtitle, 66, 1300).slice(0, 3) : [];
  const svg = xmlChars(
    await ctx.templates.render('epub/cover-svg', {
      book: ctx.view,
      labels: ctx.labels,
      editorLine: ctx.editorLine,
      width: COVER_WIDTH,
      height: COVER_HEIGHT,
      titleSize,
      titleLines: titleLines.map((text, i) => ({ text, y: Math.round(titleTop + (i + 1) * titleSize * 1.2 - titleSize * 0.25) })),
      ruleY,
      subtitleLines: subtitleLines.map((text, i) => ({ text, y: Math.round(ruleY + 56 + 12 + (i + 1) * 66 * 1.45) })),
    }),
  );
  const bytes = Buffer.from(svg, 'utf8');
  return { href: `images/cover-${hash(bytes)}.svg`, mediaType: 'image/svg+xml', bytes, ...(imageSize(bytes, 'image/svg+xml') ?? { width: COVER_WIDTH, height: COVER_HEIGHT }) };
}

/** Breaks text into lines of at most `width` pixels: CJK characters count 1 em, others about half. */
function wrap(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const token of text.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]+|\s+/gu) ?? []) {
    const wide = /^[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]$/u.test(token);
    const w = (wide ? 1 : 0.55) * size * [...token].length;
    if (used + w > width && line.trim()) {
      lines.push(line.trim());
      line = '';
      used = 0;
      if (/^\s+$/.test(token)) continue;
    }
    line += token;
    used += w;
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}

function hash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 10);
}
