/**
 * The EPUB output, tested by structure (the zip, the package document, the
 * navigation, the fonts) and by epubcheck when Java and epubcheck are
 * installed (.ci/run installs them): any fatal, error or warning fails.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookIdentifier } from '../src/outputs/epub.ts';
import { idMapFor, safeId } from '../src/outputs/epub/ids.ts';
import { readCmap } from '../src/outputs/epub/cmap.ts';
import { FontPlanner } from '../src/outputs/epub/fonts.ts';
import { collectText } from '../src/outputs/epub/text.ts';
import { toXml } from '../src/outputs/epub/xml.ts';
import { buildEpubFixture, type BuiltEpub } from './helpers/epub-build.ts';
import { epubcheck, type EpubcheckMessage, findEpubcheck } from './helpers/epubcheck.ts';
import { readZip, zipFiles } from './helpers/epub-zip.ts';
import { h } from 'hastscript';
import { strictUri } from '../src/urls.ts';
import fontkit from '@pdf-lib/fontkit';

const postscriptName = (bytes: Buffer) => (fontkit.create(bytes) as { postscriptName: string }).postscriptName;

/** 2025-01-02T03:04:05Z */
const EPOCH = '1735787045';

let first: BuiltEpub;
let second: BuiltEpub;
let hostile: BuiltEpub;
let svgCover: BuiltEpub;
let files: ReturnType<typeof zipFiles>;
let opf: string;

const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);
const metas = (property: string) => all(opf, new RegExp(`<meta property="${property}">([^<]*)</meta>`, 'g'));
const manifest = () =>
  [...opf.matchAll(/<item id="([^"]+)" href="([^"]+)" media-type="([^"]+)"(?: properties="([^"]+)")?\/>/g)].map((m) => ({
    id: m[1]!,
    href: m[2]!,
    mediaType: m[3]!,
    properties: m[4],
  }));
const spine = () => all(opf, /<itemref idref="([^"]+)"\/>/g);
const chapterFiles = () => spine().map((id) => manifest().find((i) => i.id === id)!.href).filter((href) => /^a\d+\.xhtml$/.test(href));

beforeAll(async () => {
  // Two builds of the same input: they must be byte-identical.
  first = await buildEpubFixture('epub-basic', { sourceDateEpoch: EPOCH });
  second = await buildEpubFixture('epub-basic', { sourceDateEpoch: EPOCH });
  hostile = await buildEpubFixture('epub-hostile', { sourceDateEpoch: EPOCH });
  // No cover configured and no browser: the SVG cover.
  svgCover = await buildEpubFixture('epub-cover', { sourceDateEpoch: EPOCH, config: (c) => ({ ...c, cover: undefined }) });
  files = zipFiles(first.bytes);
  opf = files.text('OEBPS/content.opf');
});

afterAll(async () => {
  for (const b of [first, second, hostile, svgCover]) if (b) await rm(path.dirname(b.file), { recursive: true, force: true });
});

describe('EPUB container', () => {
  it('writes <output.name>.epub', () => {
    expect(path.basename(first.file)).toBe('fixture-book.epub');
    expect(first.diagnostics.errors).toEqual([]);
  });

  it('starts with a stored mimetype entry without extra field', () => {
    const b = first.bytes;
    expect(b.readUInt32LE(0)).toBe(0x04034b50);
    expect(b.readUInt16LE(8)).toBe(0); // stored
    expect(b.readUInt16LE(26)).toBe('mimetype'.length);
    expect(b.readUInt16LE(28)).toBe(0); // no extra field
    expect(b.toString('latin1', 30, 38)).toBe('mimetype');
    expect(b.toString('latin1', 38, 58)).toBe('application/epub+zip');
    expect(files.entries[0]!.name).toBe('mimetype');
  });

  it('points the container at the package document', () => {
    expect(files.text('META-INF/container.xml')).toContain('full-path="OEBPS/content.opf"');
  });

  it('is byte-identical when built twice with the same SOURCE_DATE_EPOCH', () => {
    expect(second.bytes.length).toBe(first.bytes.length);
    expect(second.bytes.equals(first.bytes)).toBe(true);
  });

  it('has every manifest item, none of them empty, and nothing unlisted', () => {
    const items = manifest();
    for (const item of items) {
      expect(files.has(`OEBPS/${item.href}`), item.href).toBe(true);
      expect(files.bytes(`OEBPS/${item.href}`).length, item.href).toBeGreaterThan(0);
    }
    const listed = new Set(items.map((i) => `OEBPS/${i.href}`));
    const extra = files.entries.map((e) => e.name).filter((n) => !['mimetype', 'META-INF/container.xml', 'META-INF/com.apple.ibooks.display-options.xml', 'OEBPS/content.opf'].includes(n) && !listed.has(n));
    expect(extra).toEqual([]);
  });

  it('names files without randomness: chapters by position, images and fonts by content', () => {
    for (const e of files.entries) expect(e.name).toMatch(/^(mimetype|META-INF\/(container|com\.apple\.ibooks\.display-options)\.xml|OEBPS\/([a-z0-9.-]+|images\/[A-Za-z0-9_-]+-[0-9a-f]{10}\.(png|jpg|gif|svg)|fonts\/[A-Za-z0-9]+-[A-Za-z]+\.ttf))$/);
  });
});

describe('EPUB metadata', () => {
  it('has title, subtitle, language, identifier and dates', () => {
    expect(opf).toContain('<dc:title id="title">测试文集</dc:title>');
    expect(opf).toContain('<meta refines="#title" property="title-type">main</meta>');
    expect(opf).toContain('<dc:title id="subtitle">电子书输出的样例</dc:title>');
    expect(opf).toMatch(/<package [^>]*xml:lang="zh-CN"/);
    expect(opf).toContain('<dc:language>zh-CN</dc:language>');
    expect(metas('dcterms:modified')).toEqual(['2025-01-02T03:04:05Z']);
    expect(opf).toContain('<dc:date>2024-06-15</dc:date>');
  });

  it('derives a stable identifier from the config', () => {
    const id = all(opf, /<dc:identifier id="book-id">([^<]+)<\/dc:identifier>/g);
    expect(id).toHaveLength(1);
    expect(id[0]).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id[0]).toBe(bookIdentifier(first.book.config));
    expect(zipFiles(second.bytes).text('OEBPS/content.opf')).toContain(id[0]);
    expect(bookIdentifier({ ...first.book.config, identifier: 'urn:isbn:9780000000000' })).toBe('urn:isbn:9780000000000');
    expect(bookIdentifier({ ...first.book.config, title: 'Another' })).not.toBe(id[0]);
  });

  it('credits the editors as creators and each article author once as a contributor', () => {
    expect(opf).toContain('<dc:creator id="editor-1">林编辑</dc:creator>');
    expect(opf).toContain('<meta refines="#editor-1" property="role" scheme="marc:relators">edt</meta>');
    expect(opf).toContain('<dc:creator id="editor-2">Ed Second</dc:creator>');
    expect(all(opf, /<dc:contributor id="[^"]+">([^<]+)<\/dc:contributor>/g)).toEqual(['张三', 'Ann Example', 'Bo Writer', 'Cy Third']);
    expect(opf).toContain('<meta refines="#author-1" property="role" scheme="marc:relators">aut</meta>');
  });

  it('has description, publisher, rights and the tags as subjects', () => {
    expect(opf).toContain('<dc:description>一本用来测试 EPUB 输出的小书：中文与英文、脚注、图片、链接。</dc:description>');
    expect(opf).not.toMatch(/<dc:description>\s*<\/dc:description>/);
    expect(opf).toContain('<dc:publisher>测试出版社</dc:publisher>');
    expect(opf).toContain('<dc:rights>© 2025 测试作者</dc:rights>');
    expect(all(opf, /<dc:subject>([^<]+)<\/dc:subject>/g)).toEqual(['排版', '测试', 'testing']);
  });

  it('has EPUB Accessibility metadata', () => {
    expect(metas('schema:accessMode')).toEqual(['textual', 'visual']);
    expect(metas('schema:accessModeSufficient')).toContain('textual,visual');
    expect(metas('schema:accessibilityFeature')).toEqual(expect.arrayContaining(['structuralNavigation', 'tableOfContents', 'readingOrder']));
    expect(metas('schema:accessibilityHazard')).toEqual(['none']);
    expect(metas('schema:accessibilitySummary')[0]!.length).toBeGreaterThan(20);
  });

  it('declares the cover both ways, and the navigation document', () => {
    const items = manifest();
    const cover = items.find((i) => i.properties === 'cover-image')!;
    expect(cover.mediaType).toBe('image/png');
    expect(opf).toContain(`<meta name="cover" content="${cover.id}"/>`);
    expect(items.find((i) => i.properties === 'nav')!.href).toBe('toc.xhtml');
    expect(spine().slice(0, 3)).toEqual(['cover-page', 'title-page', 'nav']);
    expect(opf).toContain('<spine toc="ncx">');
  });

  it('uses dcterms:modified from the latest article date without SOURCE_DATE_EPOCH', async () => {
    const built = await buildEpubFixture('epub-cover');
    try {
      expect(zipFiles(built.bytes).text('OEBPS/content.opf')).toContain('<meta property="dcterms:modified">2023-02-03T00:00:00Z</meta>');
    } finally {
      await rm(path.dirname(built.file), { recursive: true, force: true });
    }
  });
});

describe('EPUB navigation', () => {
  it('lists the articles in book order with their sections nested, then the sources', () => {
    const nav = files.text('OEBPS/toc.xhtml');
    const toc = nav.slice(nav.indexOf('epub:type="toc"'), nav.indexOf('</nav>'));
    const chapters = chapterFiles();
    expect(chapters).toEqual(['a001.xhtml', 'a002.xhtml', 'a003.xhtml']);
    // The "Sources and permissions" back matter comes after the articles, in the contents and in the reading order.
    const topLevel = all(toc, /<li class="toc-article"><a href="([^"]+)"/g);
    expect(topLevel).toEqual([...chapters, 'sources.xhtml']);
    expect(all(toc, /<li class="toc-article"><a [^>]*>([^<]+)<\/a>/g)).toEqual([...first.book.articles.map((a) => a.title), '来源与授权']);
    const reading = spine().map((id) => manifest().find((i) => i.id === id)!.href);
    expect(reading.slice(reading.indexOf('a001.xhtml'))).toEqual([...chapters, 'sources.xhtml']);
    // Sections of the first article, pointing at ids that exist.
    const sections = all(toc, /<li><a href="(a001\.xhtml#[^"]+)"/g);
    expect(sections).toHaveLength(2);
    const a001 = files.text('OEBPS/a001.xhtml');
    for (const s of sections) expect(a001).toContain(`id="${s.split('#')[1]}"`);
    expect(toc).not.toContain('<span');
  });

  it('has landmarks for the cover, the contents and the start of the text', () => {
    const nav = files.text('OEBPS/toc.xhtml');
    expect(nav).toMatch(/<nav epub:type="landmarks"[^>]*hidden="hidden"/);
    expect(nav).toContain('<a epub:type="cover" href="cover.xhtml">');
    expect(nav).toContain('<a epub:type="toc" href="toc.xhtml#toc">');
    expect(nav).toContain('<a epub:type="bodymatter" href="a001.xhtml">');
  });

  it('has an NCX with the same entries in the same order', () => {
    const ncx = files.text('OEBPS/toc.ncx');
    const nav = files.text('OEBPS/toc.xhtml');
    const toc = nav.slice(nav.indexOf('epub:type="toc"'), nav.indexOf('</nav>'));
    expect(all(ncx, /<content src="([^"]+)"\/>/g)).toEqual(all(toc, /<a href="([^"]+)"/g));
    const orders = all(ncx, /playOrder="(\d+)"/g).map(Number);
    expect(orders).toEqual(orders.map((_, i) => i + 1));
    expect(ncx).toContain(`<meta name="dtb:uid" content="${bookIdentifier(first.book.config)}"/>`);
  });
});

describe('EPUB chapters', () => {
  it('opens each chapter with its title and byline, in its own language', () => {
    const zh = files.text('OEBPS/a001.xhtml');
    expect(zh).toMatch(/<html [^>]*lang="zh-CN" xml:lang="zh-CN"/);
    expect(zh).toContain('<h1 class="article-title">活字与脚注</h1>');
    expect(zh).toContain('<span class="author">张三</span>');
    expect(zh).toContain('<time datetime="2024-05-01">2024年5月1日</time>');
    expect(zh).toContain('href="https://example.com/zh%20notes?q=%E6%B4%BB%E5%AD%97"');
    const en = files.text('OEBPS/a002.xhtml');
    expect(en).toMatch(/<html [^>]*lang="en" xml:lang="en"/);
    expect(en).toContain('<span class="author">Ann Example and Bo Writer</span>');
  });

  it('keeps text as UTF-8 characters, never numeric references', () => {
    for (const e of files.entries.filter((e) => /\.(xhtml|opf|ncx)$/.test(e.name))) {
      const text = e.data.toString('utf8');
      expect(text, e.name).not.toMatch(/&#x?[0-9a-f]+;/i);
      // Named references other than XML's own would need a DTD.
      expect(text, e.name).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)[a-z]+;/i);
    }
    expect(files.text('OEBPS/a001.xhtml')).toContain('这是一篇测试文章，正文里有中文标点“引号”');
  });

  it('makes footnotes EPUB 3 notes', () => {
    const zh = files.text('OEBPS/a001.xhtml');
    expect(zh).toContain('<a href="#fn-1" id="fnref-1" epub:type="noteref" role="doc-noteref" class="noteref">1</a>');
    expect(zh).toMatch(/<section class="footnotes" epub:type="footnotes" role="doc-endnotes"/);
    expect(zh).toMatch(/<aside class="footnote" id="fn-1" epub:type="footnote" role="doc-footnote"><p><a class="footnote-number" href="#fnref-1" role="doc-backlink">1\.<\/a> 第一个脚注/);
    expect(zh).toContain('id="fn-note"');
    expect(zh).not.toContain('data-footnote');
    expect(zh).not.toContain('↩');
  });

  it('points links between articles at the right chapter and section', () => {
    const zh = files.text('OEBPS/a001.xhtml');
    const en = files.text('OEBPS/a002.xhtml');
    const toEn = /<a href="a002\.xhtml#([^"]+)">SVG 图片<\/a>/.exec(zh);
    expect(toEn).not.toBeNull();
    expect(en).toContain(`<h2 id="${toEn![1]}">2024 plans</h2>`);
    expect(zh).toContain('<a href="a002.xhtml">它的开头</a>');
    const toZh = /<a href="a001\.xhtml#([^"]+)">the first section of the Chinese article<\/a>/.exec(en);
    expect(toZh).not.toBeNull();
    expect(zh).toContain(`<h2 id="${toZh![1]}">第一节：字盘</h2>`);
    const within = /<a href="#([^"]+)">本文第一节<\/a>/.exec(zh);
    expect(within![1]).toBe(toZh![1]);
  });

  it('uses only valid, ASCII XML ids', () => {
    for (const file of chapterFiles()) {
      for (const id of all(files.text(`OEBPS/${file}`), / id="([^"]*)"/g)) expect(id, file).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]*$/);
    }
  });

  it('replaces remote images by their alt text and a link, also inside links', () => {
    const zh = files.text('OEBPS/a001.xhtml');
    // In a figure whose caption is the alt text, the placeholder does not repeat it (the caption is numbered: the article's second figure).
    expect(zh).toContain(
      '<figure><span class="remote-image"><a class="remote-image-url" href="https://example.com/photos/remote.jpg">https://example.com/photos/remote.jpg</a></span><figcaption><span class="caption-label">图 2</span>　一张网络图片</figcaption></figure>',
    );
    const en = files.text('OEBPS/a002.xhtml');
    expect(en).toContain(
      '<a href="https://example.com/project"><span class="remote-image"><span class="remote-image-alt">Remote badge</span> <span class="remote-image-url">https://example.com/badge.png</span></span></a>',
    );
    const hostileBody = zipFiles(hostile.bytes).text('OEBPS/a001.xhtml');
    expect(hostileBody).toContain('<span class="remote-image"><span class="remote-image-alt">remote with bad width</span> <a class="remote-image-url" href="https://example.com/a.png">');
    for (const e of files.entries.filter((e) => e.name.endsWith('.xhtml'))) expect(e.data.toString('utf8')).not.toMatch(/<img [^>]*src="https?:/);
  });

  it('carries local images with content-hashed names and their real media types', () => {
    const items = manifest();
    const images = items.filter((i) => i.mediaType.startsWith('image/') && i.properties !== 'cover-image');
    expect(images.map((i) => i.mediaType).sort()).toEqual(['image/png', 'image/png', 'image/svg+xml']);
    const zh = files.text('OEBPS/a001.xhtml');
    const png = /<img src="(images\/diagram-[0-9a-f]{10}\.png)" alt="字盘示意图"/.exec(zh);
    expect(png).not.toBeNull();
    expect(files.bytes(`OEBPS/${png![1]}`).equals(readFileSync('test/fixtures/epub-basic/articles/images/diagram.png'))).toBe(true);
    // WebP, which older readers cannot show, became PNG.
    const webp = /<img src="(images\/photo-[0-9a-f]{10}\.png)" alt="一张 WebP 照片"/.exec(zh);
    expect(webp).not.toBeNull();
    expect(files.bytes(`OEBPS/${webp![1]}`).readUInt32BE(0)).toBe(0x89504e47);
  });

  it('carries SVG images without scripts, handlers or outside references', () => {
    const svgItem = manifest().find((i) => i.mediaType === 'image/svg+xml')!;
    const svg = files.text(`OEBPS/${svgItem.href}`);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toMatch(/<script|onload|onclick|foreignObject|https?:\/\/example/i);
    expect(files.text('OEBPS/a002.xhtml')).toContain(`<img src="${svgItem.href}" alt="A card with a script"/>`);
  });

  it('writes tables, task lists and code as valid XHTML', () => {
    const en = files.text('OEBPS/a002.xhtml');
    expect(en).toContain('<th class="align-right">Count</th>');
    expect(en).not.toContain(' align=');
    expect(en).toMatch(/<input type="checkbox" checked="checked" disabled="disabled" aria-label="[^"]+"\/>/);
    expect(en).toMatch(/<pre><code class="[^"]*language-js[^"]*">/);
  });
});

describe('EPUB cover and title page', () => {
  it('renders a 1600×2400 cover with Chromium when none is configured', () => {
    const cover = manifest().find((i) => i.properties === 'cover-image')!;
    const png = files.bytes(`OEBPS/${cover.href}`);
    expect(png.readUInt32BE(16)).toBe(1600);
    expect(png.readUInt32BE(20)).toBe(2400);
    const page = files.text('OEBPS/cover.xhtml');
    expect(page).toContain(`xlink:href="${cover.href}"`);
    expect(page).toContain('epub:type="cover"');
    expect(manifest().find((i) => i.id === 'cover-page')!.properties).toBe('svg');
  });

  it('has a title page with the book data', () => {
    const page = files.text('OEBPS/titlepage.xhtml');
    expect(page).toContain('<h1 class="book-title">测试文集</h1>');
    expect(page).toContain('林编辑、Ed Second 编');
    expect(page).toContain('测试出版社');
  });

  it('uses the configured cover image, and needs no browser for it', async () => {
    const built = await buildEpubFixture('epub-cover', { sourceDateEpoch: EPOCH });
    try {
      const f = zipFiles(built.bytes);
      const o = f.text('OEBPS/content.opf');
      const href = /<item id="cover-image" href="([^"]+)" media-type="image\/png" properties="cover-image"\/>/.exec(o)![1]!;
      expect(f.bytes(`OEBPS/${href}`).equals(readFileSync('test/fixtures/epub-cover/cover.png'))).toBe(true);
      expect(built.diagnostics.items).toEqual([]);
    } finally {
      await rm(path.dirname(built.file), { recursive: true, force: true });
    }
  });

  it('falls back to an SVG cover, with a warning, when there is no browser', () => {
    const f = zipFiles(svgCover.bytes);
    const href = /<item id="cover-image" href="([^"]+)" media-type="image\/svg\+xml" properties="cover-image"\/>/.exec(f.text('OEBPS/content.opf'))![1]!;
    expect(f.text(`OEBPS/${href}`)).toContain('Cover Test');
    expect(svgCover.diagnostics.warnings.map((d) => d.rule)).toEqual(['epub-cover-browser']);
  });

  it('fails the build for a configured cover that does not exist', async () => {
    const built = await buildEpubFixture('epub-cover', { sourceDateEpoch: EPOCH, config: (c) => ({ ...c, cover: 'missing.png' }) });
    try {
      expect(built.diagnostics.errors.map((d) => d.rule)).toEqual(['epub-cover']);
      expect(built.diagnostics.errors[0]!.message).toContain('missing.png');
    } finally {
      await rm(path.dirname(built.file), { recursive: true, force: true });
    }
  });
});

describe('EPUB fonts', () => {
  const fonts = () => manifest().filter((i) => i.mediaType === 'font/ttf');

  it('embeds one TrueType file per face, each declared once under its plain family name', () => {
    const hrefs = fonts().map((f) => f.href).sort();
    // The fixture sets Chinese and English text, bold, italic and code.
    expect(hrefs).toEqual(expect.arrayContaining(['fonts/NotoSerifSC-Regular.ttf', 'fonts/NotoSerifSC-Bold.ttf', 'fonts/SourceSerif4-Regular.ttf']));
    expect(new Set(hrefs).size).toBe(hrefs.length);
    const css = files.text('OEBPS/style.css');
    const faces = [...css.matchAll(/@font-face \{ font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+); font-display: swap; src: url\("([^"]+)"\)/g)].map((m) => ({ family: m[1]!, weight: m[2]!, style: m[3]!, href: m[4]! }));
    expect(faces.map((f) => f.href).sort()).toEqual(hrefs);
    expect(new Set(faces.map((f) => f.family))).toEqual(new Set(faces.map((f) => f.family).filter((f) => ['Source Serif 4', 'Noto Serif SC', 'JetBrains Mono'].includes(f))));
    expect(new Set(faces.map((f) => `${f.family}/${f.weight}/${f.style}`)).size).toBe(faces.length);
    // Short stacks: the Latin face, the CJK face, a generic family.
    const stacks = new Set([...css.replace(/@font-face[^}]*}/g, '').matchAll(/font-family: ([^;]+);/g)].map((m) => m[1]!));
    for (const stack of stacks) expect(stack.split(',').length, stack).toBeLessThanOrEqual(3);
    expect(stacks).toContain('"Noto Serif SC", "Source Serif 4", serif');
    expect(css).not.toMatch(/unicode-range/);
  });

  it('keeps the fonts\' real names', () => {
    const names = fonts().map((f) => postscriptName(files.bytes(`OEBPS/${f.href}`)));
    expect(names).toContain('NotoSerifSC-Regular');
    expect(names).toContain('NotoSerifSC-Bold');
    for (const [i, f] of fonts().entries()) expect(`${names[i]}.ttf`).toBe(path.basename(f.href));
  });

  it('tells Apple Books to use them', () => {
    expect(files.text('META-INF/com.apple.ibooks.display-options.xml')).toMatch(/<option name="specified-fonts">true<\/option>/);
    expect(opf).toContain('<meta property="ibooks:specified-fonts">true</meta>');
  });

  it('covers every character of the chapters and the sources, CJK included, with the embedded fonts', () => {
    const covered = new Set<number>();
    for (const f of fonts()) for (const c of readCmap(files.bytes(`OEBPS/${f.href}`))) covered.add(c);
    const text = [...chapterFiles(), 'sources.xhtml']
      .map((file) => files.text(`OEBPS/${file}`).replace(/<head>[\s\S]*?<\/head>/, '').replace(/<[^>]+>/g, ''))
      .join('');
    const missing = [...new Set(text)].filter((ch) => ch.trim() && !covered.has(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
    expect(covered.has('字'.codePointAt(0)!)).toBe(true);
    // And no more than the book uses.
    const used = new Set([...text, ...files.text('OEBPS/titlepage.xhtml'), ...files.text('OEBPS/toc.xhtml'), ...files.text('OEBPS/cover.xhtml')].map((c) => c.codePointAt(0)!));
    const extra = [...covered].filter((c) => !used.has(c));
    expect(extra).toEqual([]);
  });

  it('lists the families in the stacks, with a generic fallback', () => {
    const css = files.text('OEBPS/style.css');
    expect(css).not.toContain('var(');
    expect(css).not.toContain('unicode-range');
    for (const f of fonts()) expect(css).toContain(`src: url("${f.href}") format("truetype")`);
    const cjk = /\[lang\|="zh"\], \[lang\|="ja"\], \[lang\|="ko"\] \{ font-family: ([^;]+); \}/.exec(css)![1]!;
    expect(cjk).toBe('"Noto Serif SC", "Source Serif 4", serif');
  });
});

describe('EPUB of hostile input', () => {
  it('writes raw HTML as valid XHTML: no obsolete attributes, XML-safe text, links that lead somewhere', () => {
    const f = zipFiles(hostile.bytes);
    const body = f.text('OEBPS/a001.xhtml');
    expect(body).not.toMatch(/ (align|valign|border|cellpadding|width)="/);
    expect(body).not.toMatch(/ dir="sideways"| lang="not| datetime="yesterday"| scope="sideways"| start="-1"/);
    expect(body).not.toContain('<!--');
    expect(body).not.toMatch(/[\u0001\u000b]/);
    expect(body).toContain('<div class="details"><p class="summary">Click</p>Hidden text that must show.</div>');
    expect(body).toContain('<a href="https://example.com/a%7Cb">pipe</a>');
    expect(body).toContain('<a href="a002.xhtml">fragment in other</a>');
    expect(body).toContain('<span>to nowhere</span>');
    expect(all(body, / id="([^"]*)"/g).filter((id) => id === 'id-1abc')).toHaveLength(1);
    expect(f.text('OEBPS/titlepage.xhtml')).toContain('<h1 class="book-title">Hostile &lt;Input&gt; &amp; &#34;Quotes&#34;</h1>');
    expect(f.text('OEBPS/toc.xhtml')).toContain('<a href="a002.xhtml" lang="fr" xml:lang="fr">Second</a>');
  });
});

describe('epubcheck', () => {
  const found = findEpubcheck();
  if ('missing' in found) {
    it.skip(`epubcheck cannot run: ${found.missing}`, () => {});
    console.warn(`epubcheck tests skipped: ${found.missing}`);
    return;
  }
  const serious = (messages: EpubcheckMessage[]) => messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity));
  // The JVM starts slowly: check the books side by side.
  let reports: Promise<EpubcheckMessage[]>[];
  beforeAll(() => {
    reports = [first, hostile, svgCover].map((b) => epubcheck(found.jar, b.file).then((r) => r.messages));
    for (const r of reports) r.catch(() => {});
  });

  it('reports no fatal error, error or warning for the fixture book', async () => {
    expect(serious(await reports[0]!)).toEqual([]);
  });

  it('reports no fatal error, error or warning for hostile input', async () => {
    expect(serious(await reports[1]!)).toEqual([]);
  });

  it('reports no fatal error, error or warning for the book with an SVG cover', async () => {
    expect(serious(await reports[2]!)).toEqual([]);
  });
});

describe('EPUB building blocks', () => {
  it('makes ids valid, stable and unique', () => {
    const used = new Set<string>();
    expect(safeId('intro', used)).toBe('intro');
    expect(safeId('intro', used)).toBe('intro-2');
    expect(safeId('2024-plans', used)).toBe('id-2024-plans');
    const zh = safeId('第一节字盘', used);
    expect(zh).toMatch(/^id-[0-9a-f]{10}$/);
    expect(safeId('第一节字盘', new Set())).toBe(zh);
    const map = idMapFor({ type: 'root', children: [h('h2', { id: 'a b' }), h('p', { id: 'ok' })] });
    expect([...map.keys()]).toEqual(['a b', 'ok']);
  });

  it('writes strict URIs', () => {
    expect(strictUri('http://es6.ruanyifeng.com/#docs/async#异步')).toBe('http://es6.ruanyifeng.com/#docs/async%23%E5%BC%82%E6%AD%A5');
    expect(strictUri('https://a.com/p|q?x=^[1]')).toBe('https://a.com/p%7Cq?x=%5E%5B1%5D');
    expect(strictUri('http://x.com/100%')).toBe('http://x.com/100%25');
    expect(strictUri('not a url')).toBeUndefined();
  });

  it('serializes well-formed XML', () => {
    const tree = h('p', { title: 'a<b & "c"', hidden: true }, ['x < y & z\u0001', h('br'), h('span')]);
    expect(toXml(tree)).toBe('<p title="a&lt;b &amp; &quot;c&quot;" hidden="hidden">x &lt; y &amp; z<br/><span></span></p>');
  });

  it('subsets each face to the characters it draws in each style', async () => {
    const planner = new FontPlanner();
    collectText('<html lang="zh-CN"><head><title>不算</title></head><body><p>中文 <strong>粗</strong> <code>x</code> <em lang="en">it</em></p></body></html>', planner);
    const set = await planner.build();
    const chars = (href: string) => readCmap(set.files.find((f) => f.href === href)!.bytes);
    expect(chars('fonts/NotoSerifSC-Regular.ttf').has('中'.codePointAt(0)!)).toBe(true);
    expect(chars('fonts/NotoSerifSC-Bold.ttf').has('粗'.codePointAt(0)!)).toBe(true);
    expect(chars('fonts/NotoSerifSC-Bold.ttf').has('中'.codePointAt(0)!)).toBe(false);
    expect(chars('fonts/JetBrainsMono-Regular.ttf').has('x'.codePointAt(0)!)).toBe(true);
    expect(chars('fonts/SourceSerif4-Italic.ttf').has('i'.codePointAt(0)!)).toBe(true);
    expect(set.files.some((f) => chars(f.href).has('不'.codePointAt(0)!))).toBe(false);
    // No formula in the text, so no math font: the math stack lists only the faces embedded.
    expect(set.stacks).toEqual({
      latin: '"Source Serif 4", "Noto Serif SC", serif',
      cjk: '"Noto Serif SC", "Source Serif 4", serif',
      mono: '"JetBrains Mono", "Noto Serif SC", monospace',
      math: '"Source Serif 4", "Noto Serif SC", serif',
    });
  });

  it('reads zips written by the build (test helper sanity)', () => {
    expect(readZip(first.bytes).length).toBe(files.entries.length);
  });
});
