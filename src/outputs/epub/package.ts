/**
 * Packaging with epub-gen-memory, made correct and reproducible.
 *
 * epub-gen-memory (1.1.2) contributes the container: the `mimetype` entry
 * (first, stored), META-INF/container.xml, the OEBPS layout and its file
 * order, and the zip. Everything it would write itself is wrong for us, so
 * this subclass hands it finished documents and overrides the rest:
 *
 * - Chapters are given as finished XHTML through the `chapterXHTML` template
 *   (`<%- xhtml %>`), and their `content` is left empty: the library runs
 *   content through htmlparser2 + dom-serializer, which drops attributes
 *   outside its list (`epub:type`, `role`, `width`, `start`, SVG, MathML),
 *   turns every non-ASCII character into `&#x…;`, and names images with
 *   random UUIDs.
 * - The package document, NCX and navigation document are rendered from our
 *   templates and passed through `contentOPF`/`tocNCX`/`tocXHTML`: its own
 *   write an empty `dc:description` (an epubcheck error), `xml:lang="en"`, a
 *   hard-coded rights line, one creator for all authors, `new Date()` as
 *   `dcterms:modified`, and a `<span>` in nav entries. Its own has no way
   to say `page-progression-direction` either (a book set vertically reads
   its spine from right to left: `rtl` on the `<spine>` of ours).
 *   Nor a page list: its navigation document has the table of contents
 *   only, so the `page-list` nav (the anthology PDF's pages, found by
 *   epub/page-breaks.ts) and the `dc:source` it comes from are in ours.
 * - `uuid` (random in the constructor) is replaced by the book's stable
 *   identifier.
 * - Fonts, images and the cover are never fetched: `downloadAllFonts`,
 *   `downloadAllImages` and `makeCover` are overridden to add our prepared
 *   bytes. The originals fetch any URL, read any `file://` path, and write an
 *   empty file when a download fails.
 * - `META-INF/com.apple.ibooks.display-options.xml` is added (the library
 *   writes none): without it Apple Books sets the text in its own fonts and
 *   ignores the embedded ones.
 * - The zip itself is written with yazl from the entries epub-gen-memory
 *   assembled, in its order (`mimetype` first, stored, without extra
 *   fields). jszip stamps every entry with the current time, and deflates in
 *   JavaScript (pako, level 9), which took 2–4 s for the weekly corpus;
 *   yazl uses Node's zlib on the thread pool, on every core. Every entry
 *   gets one fixed date, so the same input gives the same bytes.
 */
import { EPub, type Chapter, type Options } from 'epub-gen-memory';
import { ZipFile } from 'yazl';

export interface PackageFile {
  /** Path inside OEBPS/. */
  href: string;
  bytes: Buffer;
  /** Already compressed formats are stored, not deflated again. */
  store?: boolean;
}

export interface PackageParts {
  title: string;
  lang: string;
  identifier: string;
  /** `dcterms:modified`; also every zip entry's date. */
  modified: Date;
  /** OEBPS/style.css. */
  css: string;
  /** Finished XHTML documents, in spine order (file names without folders). */
  documents: { filename: string; title: string; xhtml: string }[];
  /** OEBPS/content.opf, OEBPS/toc.ncx, OEBPS/toc.xhtml. */
  opf: string;
  ncx: string;
  nav: string;
  fonts: PackageFile[];
  images: PackageFile[];
}

/** Where epub-gen-memory puts the navigation document, NCX and stylesheet (relative to OEBPS/). */
export const NAV_FILE = 'toc.xhtml';
export const NCX_FILE = 'toc.ncx';
export const CSS_FILE = 'style.css';

/** Apple Books: use the book's fonts (it also reads `ibooks:specified-fonts` in the package document). */
const APPLE_OPTIONS_FILE = 'META-INF/com.apple.ibooks.display-options.xml';
const APPLE_OPTIONS = `<?xml version="1.0" encoding="UTF-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
`;

interface Passthrough {
  anthology: { opf: string; ncx: string; nav: string };
}

class AnthologyEPub extends EPub {
  private readonly parts: PackageParts;

  constructor(parts: PackageParts) {
    const options: Options & Passthrough = {
      title: parts.title,
      lang: parts.lang,
      date: parts.modified.toISOString(),
      css: parts.css,
      version: 3,
      verbose: false,
      fonts: [],
      chapterXHTML: '<%- xhtml %>',
      contentOPF: '<%- anthology.opf %>',
      tocNCX: '<%- anthology.ncx %>',
      tocXHTML: '<%- anthology.nav %>',
      anthology: { opf: parts.opf, ncx: parts.ncx, nav: parts.nav },
    };
    const chapters: (Chapter & { xhtml: string })[] = parts.documents.map((d) => ({
      title: d.title,
      filename: d.filename,
      content: '',
      xhtml: d.xhtml,
    }));
    super(options, chapters);
    this.parts = parts;
    this.uuid = parts.identifier;
  }

  protected override async downloadAllFonts(): Promise<void> {
    for (const f of this.parts.fonts) this.zip.file(`OEBPS/${f.href}`, f.bytes, f.store ? { compression: 'STORE' } : {});
  }

  protected override async downloadAllImages(): Promise<void> {
    for (const f of this.parts.images) this.zip.file(`OEBPS/${f.href}`, f.bytes, f.store ? { compression: 'STORE' } : {});
  }

  /** The cover image is one of `images`; the cover page is one of `documents`. */
  protected override async makeCover(): Promise<void> {}

  override async genEpub(): Promise<Buffer> {
    await this.render();
    this.zip.file(APPLE_OPTIONS_FILE, APPLE_OPTIONS);
    const zip = new ZipFile();
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
      zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
      zip.outputStream.on('error', reject);
    });
    const mtime = zipDate(this.parts.modified);
    // Folder entries are left out: an EPUB needs none.
    for (const entry of Object.values(this.zip.files)) {
      if (entry.dir) continue;
      const bytes = await entry.async('nodebuffer');
      const store = entry.name === 'mimetype' || entry.options.compression === 'STORE';
      zip.addBuffer(bytes, entry.name, { mtime, forceDosTimestamp: true, mode: 0o100644, ...(store ? { compress: false } : { compressionLevel: 9 }) });
    }
    zip.end();
    return done;
  }
}

/**
 * The entries' date: the UTC day of `modified`, at noon. yazl writes DOS
 * timestamps from local time, so it gets a Date whose local fields are those
 * UTC ones; at noon no time zone is in a daylight-saving gap, so the bytes
 * are the same in every time zone.
 */
function zipDate(d: Date): Date {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return new Date(year, d.getUTCMonth(), d.getUTCDate(), 12, 0, 0);
}

export function packageEpub(parts: PackageParts): Promise<Buffer> {
  for (const d of parts.documents) {
    // epub-gen-memory strips anything but [-._A-Za-z0-9] from file names.
    if (!/^[-._A-Za-z0-9]+\.xhtml$/.test(d.filename)) throw new Error(`Unexpected EPUB document name ${d.filename}`);
  }
  return new AnthologyEPub(parts).genEpub();
}
