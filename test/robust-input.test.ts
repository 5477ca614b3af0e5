/**
 * Input that real books contain and that must neither crash the build nor
 * lose or mangle anything silently (issue #12, "Front matter and config" and
 * the images): YAML alias bombs, invalid language tags, duplicate slugs, the
 * per-article cover, a missing book cover, the config of another book, empty
 * articles, empty or damaged images and decompression bombs. Each runs the
 * real build on its fixture and checks what a reader gets. The PDF parts are
 * skipped, with the reason, when there is no browser or no poppler/qpdf.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/dev/server.ts';
import { findBrowser } from '../src/browser/find.ts';
import { buildFixture, buildFolder, FIXTURES, problems } from './helpers/build.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { describeLosses, lostText } from './helpers/lost-text.ts';
import { missingPdfTools, pageTexts, pdfLang } from './helpers/pdf-tools.ts';

const browser = await findBrowser().catch(() => null);
const missing = missingPdfTools();
const noPdf = !browser ? 'no Chrome or Chromium was found (npm run setup)' : missing.length ? `missing ${missing.join(', ')} (apt-get install poppler-utils qpdf)` : '';
if (noPdf) console.warn(`PDF parts of the robust-input tests skipped: ${noPdf}`);
const ALL = noPdf ? (['html', 'epub'] as const) : (['html', 'pdf', 'epub'] as const);

const BIN = path.resolve('bin/anthology.js');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function built(fixture: string, options: Parameters<typeof buildFixture>[1] = {}) {
  const b = await buildFixture(fixture, options);
  cleanups.push(b.cleanup);
  return b;
}

/** Runs the `anthology` command in `cwd`; its exit code and output. */
async function anthology(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function tmpDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `anthology-${name}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The chapter of the EPUB whose title is `title`. */
function chapter(epub: ReturnType<typeof zipFiles>, title: string): string {
  const found = epub.entries.filter((e) => /^OEBPS\/a\d+\.xhtml$/.test(e.name)).map((e) => e.data.toString('utf8')).find((x) => x.includes(`<title>${title}</title>`));
  if (!found) throw new Error(`no chapter "${title}" in the EPUB`);
  return found;
}

/** The `/Alt` texts of a PDF's tagged figures. */
function altTexts(pdf: string): string[] {
  const qdf = execFileSync('qpdf', ['--qdf', '--object-streams=disable', pdf, '-'], { maxBuffer: 256 << 20 }).toString('latin1');
  return [...qdf.matchAll(/\/Alt \(([^)]*)\)/g)].map((m) => m[1]!);
}

/** `pdfimages -list`: page and pixel size of every image. */
function pdfImages(pdf: string): { page: number; width: number; height: number }[] {
  return execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({ page: Number(c[0]), width: Number(c[3]), height: Number(c[4]) }));
}

describe('a YAML alias bomb', () => {
  it('in front matter is an error at its line, and the other articles are still checked', async () => {
    const { result } = await built('yaml-bomb');
    expect(result.ok).toBe(false);
    expect(problems(result, 'yaml-bomb')).toEqual(['articles/bomb.md:6:8 error [front-matter-yaml]']);
    const [bomb] = result.diagnostics.items;
    expect(bomb!.message).toMatch(/^Invalid YAML in front matter: its aliases expand to about [\d,]+ values \(`\*c` here alone stands for 820\), which looks like an alias bomb; write the values out, or use fewer aliases$/);
  });

  it('in the book config is an error at its line: the command exits 1, with no stack trace', async () => {
    const out = await tmpDir('bomb-out');
    const run = await anthology(['build', '--format', 'html', '--out', out, '--no-cache'], path.join(FIXTURES, 'yaml-bomb-config'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('book.config.yaml:5:8: error Invalid YAML in book config: its aliases expand to about');
    expect(run.stderr).toContain('[config-yaml]');
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('language tags', () => {
  it('are checked against the registry: an invalid one is a warning at its line, and the language falls back', async () => {
    const { result, read, out } = await built('bad-lang', { formats: ALL });
    expect(result.ok).toBe(true);
    const lines = result.diagnostics.items.map((d) => `${path.relative(path.join(FIXTURES, 'bad-lang'), d.file!)}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.rule}]`);
    expect(lines.sort()).toEqual([
      'articles/chinese.md:3:7 warning Invalid `lang` in front matter: `xx-INVALID` is not a registered language tag: the subtags `xx`, `INVALID` are not in the IANA language subtag registry (a tag starts with a language such as "zh", "en", "ja"); using the language guessed from its text, else the book\'s. Write a tag such as "zh-CN", "zh-TW", "en" or "ja" [front-matter-lang]',
      'articles/english.md:3:7 warning Invalid `lang` in front matter: `english` is not a registered language tag: the subtag `english` is not in the IANA language subtag registry (a tag starts with a language such as "zh", "en", "ja"); using the language guessed from its text, else the book\'s. Write a tag such as "zh-CN", "zh-TW", "en" or "ja" [front-matter-lang]',
      'articles/posix.md:3:7 warning Unexpected `lang` in front matter: language tags are written with "-", not "_"; using `zh-TW` [front-matter-lang]',
      'book.config.yaml:2:7 warning Invalid `lang` in the book config: `xx-INVALID` is not a registered language tag: the subtags `xx`, `INVALID` are not in the IANA language subtag registry (a tag starts with a language such as "zh", "en", "ja"); using the most common language of the articles. Write a tag such as "zh-CN", "zh-TW", "en" or "ja" [config-lang]',
    ]);
    // No output carries the invalid tag; each article has the fallback, the book the articles' most common.
    const langOf = async (slug: string) => /<article class="article" lang="([^"]+)"/.exec(await read(`articles/${slug}.html`))![1];
    expect({ chinese: await langOf('chinese'), english: await langOf('english'), posix: await langOf('posix'), fine: await langOf('fine') }).toEqual({
      chinese: 'zh-CN',
      english: 'en',
      posix: 'zh-TW',
      fine: 'zh-CN',
    });
    expect(await read('index.html')).toMatch(/<html lang="zh-CN"/);
    const epub = zipFiles(await readFile(path.join(out, 'anthology.epub')));
    const opf = epub.text('OEBPS/content.opf');
    expect(opf).toContain('<dc:language>zh-CN</dc:language>');
    expect(chapter(epub, 'An English article')).toContain('xml:lang="en"');
    for (const name of epub.entries.map((e) => e.name).filter((n) => /\.(xhtml|opf|ncx)$/.test(n))) {
      expect(epub.text(name).toLowerCase()).not.toMatch(/xx-invalid|"english"|zh_tw/);
    }
    if (!noPdf) {
      expect(await pdfLang(path.join(out, 'anthology.pdf'))).toBe('zh-CN');
      expect(await pdfLang(path.join(out, 'pdf/english.pdf'))).toBe('en');
      expect(await pdfLang(path.join(out, 'pdf/chinese.pdf'))).toBe('zh-CN');
    }
  });
});

describe('duplicate slugs', () => {
  it('are warnings naming both files, at the slug line when there is one; no page is lost', async () => {
    const { result, read } = await built('duplicate-slug');
    expect(result.ok).toBe(true);
    expect(problems(result, 'duplicate-slug').sort()).toEqual(['articles/essays/note.md:1:1 warning [slug-duplicate]', 'articles/second.md:4:7 warning [slug-duplicate]']);
    const message = (file: string) => result.diagnostics.items.find((d) => d.file!.endsWith(file))!.message;
    expect(message('second.md')).toBe(
      'Duplicate slug `same`: first.md has `slug: same` (line 3), and this article asks for it too; this article is published as `same-2` instead (articles/same-2.html, pdf/same-2.pdf). Give one of them another `slug:` in its front matter',
    );
    expect(message('essays/note.md')).toBe(
      'Duplicate slug `note`: columns/note.md is named `note` after its file, and this article (essays/note.md) is named after its file too; this article is published as `note-2` instead (articles/note-2.html, pdf/note-2.pdf). Give one of them another `slug:` in its front matter',
    );
    expect(await read('articles/same.html')).toContain('The first article that wants the slug.');
    expect(await read('articles/same-2.html')).toContain('The second article that wants the slug.');
    expect(await read('articles/note-2.html')).toContain('A note in the essays.');
  });
});

describe("an article's cover image (`cover:` in its front matter)", () => {
  it('opens the article in the site, both PDFs and the EPUB, described by its title; paths outside the folder and missing files are warnings', async () => {
    const { result, read, out } = await built('article-cover', { formats: ALL });
    expect(result.ok).toBe(true);
    expect(problems(result, 'article-cover').sort()).toEqual(['articles/missing.md:4:8 warning [image-missing]', 'articles/outside.md:4:8 warning [image-outside-root]']);
    expect(result.diagnostics.items.find((d) => d.rule === 'image-outside-root')!.message).toContain('outside the articles folder: it is not read');

    // The site: in the article's header, the image copied with the others.
    const page = await read('articles/opened.html');
    const header = /<header class="article-header">([\s\S]*?)<\/header>/.exec(page)![1]!;
    const img = /<figure class="article-cover"><img src="\.\.\/(images\/opener-[0-9a-f]{10}\.png)" alt="An article with an opener"><\/figure>/.exec(header);
    expect(img).not.toBeNull();
    expect((await stat(path.join(out, img![1]!))).size).toBe((await stat(path.join(FIXTURES, 'article-cover/articles/images/opener.png'))).size);
    for (const slug of ['outside', 'missing']) expect(await read(`articles/${slug}.html`)).not.toContain('article-cover');
    expect(await readdir(path.join(out, 'images'))).toEqual([path.basename(img![1]!)]);

    // The EPUB: at the head of its chapter, in the manifest.
    const epub = zipFiles(await readFile(path.join(out, 'anthology.epub')));
    const xhtml = chapter(epub, 'An article with an opener');
    const cover = /<figure class="article-cover"><img src="(images\/[^"]+\.png)" alt="An article with an opener"\/><\/figure>\s*<\/header>/.exec(xhtml);
    expect(cover).not.toBeNull();
    expect(epub.text('OEBPS/content.opf')).toContain(`href="${cover![1]}"`);
    expect(epub.bytes(`OEBPS/${cover![1]}`).length).toBeGreaterThan(0);
    expect(chapter(epub, 'A missing cover')).not.toContain('article-cover');

    if (!noPdf) {
      // The article's own PDF: on its first page, with its alt text in the tags.
      expect(pdfImages(path.join(out, 'pdf/opened.pdf'))).toEqual([{ page: 1, width: 600, height: 300 }]);
      expect(altTexts(path.join(out, 'pdf/opened.pdf'))).toEqual(['An article with an opener']);
      expect(pdfImages(path.join(out, 'pdf/missing.pdf'))).toEqual([]);
      // The anthology: on the page the article starts on.
      const texts = pageTexts(path.join(out, 'anthology.pdf'));
      const start = texts.findIndex((t) => t.includes('The text of an article whose front matter names a cover image.')) + 1;
      expect(pdfImages(path.join(out, 'anthology.pdf'))).toEqual([{ page: start, width: 600, height: 300 }]);
      expect(altTexts(path.join(out, 'anthology.pdf'))).toEqual(['An article with an opener']);
    }
    expect(describeLosses(lostText({ book: result.book!, out }).losses)).toBe('');
  });
});

describe('a missing book cover', () => {
  it('is one error at its line in the config, before any article is read or page printed', async () => {
    const { result } = await built('missing-cover', { formats: ['html', 'pdf', 'epub'] });
    expect(result.ok).toBe(false);
    expect(problems(result, 'missing-cover')).toEqual(['book.config.yaml:3:8 error [config-cover]']);
    expect(result.diagnostics.items[0]!.message).toBe(
      `Missing cover image: no file at ${path.join(FIXTURES, 'missing-cover/covers/front.png')}; fix \`cover\` (relative to the book config), or remove it to get a generated cover`,
    );
    // No stage ran: nothing was read or printed.
    expect(result.timings).toEqual([]);
    expect(result.book).toBeUndefined();
  });
});

describe('the config of the book being built', () => {
  const fixture = path.join(FIXTURES, 'config-discovery');
  const title = async (b: Awaited<ReturnType<typeof buildFolder>>) => /<title>([^<]*)<\/title>/.exec(await b.read('index.html'))![1];
  const build = async (articles: string) => {
    const b = await buildFolder(fixture, { articles });
    cleanups.push(b.cleanup);
    return b;
  };

  it('is the one beside the --articles folder, or in it, never the current folder\'s when that is for other articles', async () => {
    const beside = await build('other/articles');
    expect(beside.result.config).toEqual({ file: path.join(fixture, 'other/book.config.yaml') });
    expect(await title(beside)).toBe('The Other Book');
    expect(await beside.read('index.html')).toMatch(/<html lang="en"/);

    // The book's folder given instead of its articles folder.
    const bookFolder = await build('other');
    expect(bookFolder.result.config).toEqual({ file: path.join(fixture, 'other/book.config.yaml'), articles: path.join(fixture, 'other/articles') });
    expect(bookFolder.result.book!.articles.map((a) => a.path)).toEqual(['other.md']);

    const inside = await build('own');
    expect(inside.result.config).toEqual({ file: path.join(fixture, 'own/book.config.yaml') });
    expect(await title(inside)).toBe('A Folder With Its Own Config');

    // The current folder's config names ./articles: not this book's.
    const loose = await build('loose');
    expect(loose.result.config).toEqual({ skipped: { file: path.join(fixture, 'book.config.yaml'), articles: path.join(fixture, 'articles') } });
    expect(await title(loose)).toBe('Anthology');
    const index = await loose.read('index.html');
    for (const text of ['The Sample', 'Sample Editor', "The sample's description"]) expect(index).not.toContain(text);

    // Its own articles: the current folder's config.
    const own = await build('articles');
    expect(own.result.config).toEqual({ file: path.join(fixture, 'book.config.yaml') });
    expect(await title(own)).toBe('The Sample');
  });

  it('is named in the summary of the command, or "none" and why', async () => {
    const out = await tmpDir('config-summary');
    const other = await anthology(['build', '--articles', 'other/articles', '--format', 'html', '--out', path.join(out, 'a'), '--no-cache'], fixture);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('\n  config    other/book.config.yaml\n');
    const loose = await anthology(['build', '--articles', 'loose', '--format', 'html', '--out', path.join(out, 'b'), '--no-cache'], fixture);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toContain('\n  config    none, every default (book.config.yaml belongs to articles and not to loose; --config book.config.yaml uses it anyway)\n');
    expect(await readdir(path.join(out, 'b'))).not.toContain('the-sample.pdf');
  });

  it('is the same for `anthology dev --articles`', async () => {
    const server = await startDevServer({ cwd: fixture, articles: 'other/articles', port: 0, cache: false, debounceMs: 50 });
    try {
      expect((await server.ready()).ok).toBe(true);
      expect(await (await fetch(server.url)).text()).toContain('<title>The Other Book</title>');
      expect(server.watching()).toContain('other/book.config.yaml');
    } finally {
      await server.close();
    }
  });
});

describe('an empty article', () => {
  it('is left out of the book with a warning naming it', async () => {
    const { result, read, out } = await built('empty-article');
    expect(result.ok).toBe(true);
    expect(problems(result, 'empty-article').sort()).toEqual([
      'articles/blank.md:1:1 warning [article-empty]',
      'articles/front-only.md:1:1 warning [article-empty]',
      'articles/zero.md:1:1 warning [article-empty]',
    ]);
    expect(result.book!.articles.map((a) => a.path)).toEqual(['real.md', 'title-only.md']);
    // A page and its citation files (CSL-JSON, BibTeX) for each article in the book, nothing for the empty ones.
    expect((await readdir(path.join(out, 'articles'))).sort()).toEqual(['real.bib', 'real.html', 'real.json', 'title-only.bib', 'title-only.html', 'title-only.json']);
    expect(await read('index.html')).not.toMatch(/zero|blank|front-only/);
  });

  it('leaves no empty book: when every article is empty, the build fails saying so', async () => {
    const book = await tmpDir('all-empty');
    await cp(path.join(FIXTURES, 'empty-article/articles/zero.md'), path.join(book, 'articles/zero.md'));
    await writeFile(path.join(book, 'articles/draft.md'), '---\ndraft: true\n---\n\n# A draft\n');
    const b = await buildFolder(book);
    cleanups.push(b.cleanup);
    expect(b.result.ok).toBe(false);
    expect(b.result.diagnostics.errors.map((d) => d.message)).toEqual([
      `No articles to build in the articles folder ${path.join(book, 'articles')}: of its 2 Markdown files, 1 empty, 1 draft (--drafts includes them)`,
    ]);
  });

  it('is an error under --strict', async () => {
    const { result } = await built('empty-article', { strict: true });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.errors.map((d) => d.rule)).toEqual(['article-empty', 'article-empty', 'article-empty']);
  });
});

describe('an empty or damaged image', () => {
  it('is shown as its alt text in every output, with one warning at its line that says so', async () => {
    const { result, read, out } = await built('broken-image', { formats: ALL });
    expect(result.ok).toBe(true);
    expect(problems(result, 'broken-image')).toEqual([
      'articles/images.md:6:16 warning [image-empty]',
      'articles/images.md:8:1 warning [image-undecodable]',
      'articles/images.md:10:1 warning [image-undecodable]',
    ]);
    expect(result.diagnostics.items[0]!.message).toBe(
      'Cannot use the image `img/empty.png`: the file is empty (0 bytes). The site, the PDFs and the EPUB show its alt text "Empty picture words" in its place; replace the file with a PNG, JPEG, GIF, WebP, AVIF or SVG image',
    );
    expect(result.diagnostics.items[1]!.message).toMatch(/^Cannot use the image `img\/damaged\.png`: it cannot be decoded \(.+\)\. The site, the PDFs and the EPUB show its alt text "Damaged picture words" in its place/);
    expect(result.diagnostics.items[2]!.message).toMatch(/^Cannot use the image `img\/text\.png`: it is not an image that can be read \(.+\)\. The site/);
    const words = ['Empty picture words', 'Damaged picture words', 'Not an image words'];

    // The site: the alt text, no image that would show a broken icon.
    const page = await read('articles/images.html');
    for (const w of words) expect(page).toContain(`<span class="image-missing">${w}</span>`);
    expect([...page.matchAll(/<img [^>]*>/g)].map((m) => /alt="([^"]*)"/.exec(m[0])![1])).toEqual(['A fine picture']);
    expect((await readdir(path.join(out, 'images'))).length).toBe(1);

    const epub = zipFiles(await readFile(path.join(out, 'anthology.epub')));
    const xhtml = chapter(epub, 'Broken images');
    for (const w of words) expect(xhtml).toContain(w);
    expect([...xhtml.matchAll(/<img [^>]*>/g)].length).toBe(1);
    expect(result.diagnostics.items.filter((d) => d.rule.startsWith('epub'))).toEqual([]);

    if (!noPdf) {
      for (const pdf of ['pdf/images.pdf', 'anthology.pdf']) {
        const text = pageTexts(path.join(out, pdf)).join('\n').replace(/\s+/g, ' ');
        for (const w of words) expect(text).toContain(w);
        expect(pdfImages(path.join(out, pdf)).map((i) => [i.width, i.height])).toEqual([[600, 300]]);
      }
    }
    expect(describeLosses(lostText({ book: result.book!, out }).losses)).toBe('');
  });
});

/** A PNG of white pixels, one bit each: a few kilobytes on disk for hundreds of megapixels. */
function whitePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0; // no filter
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

describe('a decompression bomb', () => {
  it('is a warning at its line; the PDFs and the EPUB get it downscaled, the site the original; one too large to decode is refused', async () => {
    const book = await tmpDir('huge-image');
    await cp(path.join(FIXTURES, 'huge-image'), book, { recursive: true });
    const big = whitePng(12000, 12000);
    expect(big.length).toBeLessThan(64 * 1024);
    await writeFile(path.join(book, 'articles/big.png'), big);
    await writeFile(path.join(book, 'articles/giant.png'), whitePng(20000, 20000));

    const cache = path.join(book, '.cache');
    const b = await buildFolder(book, { formats: ALL, cache });
    cleanups.push(b.cleanup);
    const { result, read, out } = b;
    expect(result.ok).toBe(true);
    const lines = result.diagnostics.items.map((d) => `${path.relative(book, d.file!)}:${d.line}:${d.column} ${d.severity} [${d.rule}]`);
    expect(lines).toEqual(['articles/huge.md:8:1 warning [image-bomb]', 'articles/huge.md:10:33 warning [image-too-large]']);
    expect(result.diagnostics.items[0]!.message).toBe(
      `Unexpected huge image \`big.png\`: it is 12000 × 12000 pixels, 137.3 MB once decoded from a ${(big.length / 1024).toFixed(0)} KB file (a decompression bomb?). The PDFs and the EPUB get a copy downscaled to what their pages show at 300 dpi; the site keeps the original, which every reader's browser must decode whole: save it smaller`,
    );
    expect(result.diagnostics.items[1]!.message).toContain('it is 20000 × 20000 pixels (400 megapixels), more than the 268 megapixels that can be decoded safely. The site, the PDFs and the EPUB show its alt text "An impossible field" in its place; save it smaller');

    // The site keeps the original; the refused one is its alt text.
    const page = await read('articles/huge.html');
    expect(page).toContain('<span class="image-missing">An impossible field</span>');
    const bigName = /src="\.\.\/(images\/big-[0-9a-f]+\.png)"/.exec(page)![1]!;
    expect((await readFile(path.join(out, bigName))).equals(big)).toBe(true);

    // The EPUB: within the page at 300 dpi (A4 less 25 mm margins: 1890 px wide) and e-readers' limits.
    const epub = zipFiles(await readFile(path.join(out, 'anthology.epub')));
    const src = /<img src="(images\/big-[^"]+)" alt="A vast white field"/.exec(chapter(epub, 'Huge images'))![1]!;
    const meta = await sharp(epub.bytes(`OEBPS/${src}`)).metadata();
    expect([meta.width, meta.height]).toEqual([1890, 1890]);
    const fine = /<img src="(images\/fine-[^"]+)"/.exec(chapter(epub, 'Huge images'))![1]!;
    expect(epub.bytes(`OEBPS/${fine}`).equals(await readFile(path.join(book, 'articles/fine.png')))).toBe(true);

    if (!noPdf) {
      for (const pdf of ['pdf/huge.pdf', 'anthology.pdf']) {
        expect(pdfImages(path.join(out, pdf)).map((i) => [i.width, i.height])).toEqual([
          [1890, 1890],
          [600, 300],
        ]);
        expect(pageTexts(path.join(out, pdf)).join(' ')).toContain('An impossible field');
      }
    }
    // The downscaled copies are kept in the build cache.
    expect((await readdir(path.join(cache, 'images'), { recursive: true })).filter((f) => f.endsWith('.bin')).length).toBeGreaterThan(0);
  });
});
