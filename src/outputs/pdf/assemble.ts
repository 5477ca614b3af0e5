/**
 * Assembles PDFs that Chromium printed ("parts") into one file, streaming:
 * each part is parsed, renumbered, adjusted and written before the next one
 * is read, so memory stays flat however long the book is.
 *
 * What survives, and how (pdf-lib's copyPages keeps none of it):
 * - tags: every part's structure elements are kept; the parts' StructTreeRoots
 *   become one, their Document elements become `Art` (article) or `Part`
 *   (front matter) children of a new Document, and the ParentTree is merged
 *   with every page's /StructParents and every annotation's /StructParent
 *   shifted by the keys of the parts before it;
 * - bookmarks: Chromium's outline of each part (the article title with its
 *   sections below) hangs under one bookmark per article;
 * - links: the parts' named destinations go into one /Dests dictionary (ids
 *   are prefixed per article, so names never clash); links to other articles,
 *   printed as `https://ref.anthology.invalid/…` URLs, become internal links
 *   (in the book) or links to the other article's PDF (single articles);
 * - fonts: subsets of one font from all parts become one font (font-merge.ts);
 * - page numbers: written onto the pages here (folio.ts), and blank pages are
 *   inserted so that parts start on right-hand pages.
 * A single article goes through the same code as a book of one part, which
 * keeps its own outline, destinations and structure root.
 */
import { createHash } from 'node:crypto';
import { type PDFContext, PDFArray, PDFDict, PDFName, PDFNumber, type PDFObject, PDFRawStream, PDFRef, PDFString, PDFHexString } from 'pdf-lib';
import { FontMerger, renameFont } from './font-merge.ts';
import { FolioFont, type FolioStyle } from './folio.ts';
import { getArray, getDict, getName, getNumber, getRef, lookup, NewStream, parsePdf, PdfFileWriter, Raw, ref, serialize, text } from './pdf-file.ts';
import { pdfxInfo, PDFX_HEADER, writeOutputIntent, writeXmp } from './pdfx.ts';
import { type Box, boxText, cropMarks, pageBoxes } from './print-marks.ts';
import type { FontNames } from './ttf.ts';

/** Where a link printed as a reference URL (links.ts) goes. */
export type LinkTarget =
  /** A named destination of this file (names as raw bytes, see `destName`). */
  | { dest: string; fallback?: string }
  /** A page or named destination of another PDF file next to this one. */
  | { file: string; dest?: string };

export interface DocumentInfo {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  lang: string;
  creator: string;
  created?: Date;
}

export interface FolioOptions {
  font: FolioFont;
  style: FolioStyle;
  /** Margins in points: the number is centred under the text block, in the bottom margin. */
  margins: { inner: number; outer: number; bottom: number };
}

export interface PartOptions {
  /** Structure type of the part's content in a book: `Art` for an article, `Part` for front matter. */
  structType?: 'Art' | 'Part';
  /** Whether page `index` (0-based in the part) gets a page number. */
  folio?: (index: number) => boolean;
  /** A bookmark for the part, with the part's own outline below it (books only). */
  bookmark?: { title: string; open: boolean };
  /** A named destination for the part's first page (books only). */
  startName?: string;
  /** The texts of the part's headings, to repair Chromium's bookmark titles (see `repairTitles`). */
  headings?: readonly string[];
}

export interface AssembleOptions {
  file: string;
  /** `book`: merge parts; `single`: one part that keeps its own outline and structure root. */
  mode: 'book' | 'single';
  /** Start every part after the first on a right-hand (odd) page. */
  rightHandStarts: boolean;
  info: DocumentInfo;
  folios?: FolioOptions;
  links: (uri: string) => LinkTarget | undefined;
  /** Bookmarks of the book's own, before the parts' (e.g. the contents), by destination name. */
  frontBookmarks?: { title: string; dest: string }[];
  /** Real names of fonts whose files carry wrong ones, by the PostScript name they have (print-fonts.ts). */
  fontNames?: ReadonlyMap<string, FontNames>;
  /** Open the bookmarks panel and show spreads (books). */
  pageLayout?: 'TwoPageRight' | 'SinglePage';
  /**
   * Pages that run from right to left (a book set vertically, bound on the
   * right): odd pages have their inner margin on the right (the folios are
   * centred under the text accordingly), and the catalog's
   * /ViewerPreferences say /Direction /R2L, so viewers lay spreads out right to left.
   */
  rtl?: boolean;
  /**
   * A file for the printer: every page was printed with `bleed` points all
   * round the trim (TrimBox and BleedBox say so), crop marks outside the
   * bleed when `marks`, no links, and PDF/X-4's file-level entries (pdfx.ts).
   */
  print?: { bleed: number; marks: boolean; sheet?: { width: number; height: number } };
}

export interface AssembleResult {
  pages: number;
  bytes: number;
  /** First page (1-based) of each part, in order. */
  starts: number[];
  fonts: { subsets: number };
}

const PAGES_PER_NODE = 64;

interface TopItem {
  num: number;
  title: string;
  dest: string;
  first?: number;
  last?: number;
  count: number;
  open: boolean;
  se?: string;
}

/** A part being copied into the file: its parsed objects and how their numbers map into the file. */
interface PartCopy {
  ctx: PDFContext;
  catalog: PDFDict;
  pages: { refs: PDFRef[]; nodes: number[] };
  /** Objects of the part that are not written (replaced by the file's own). */
  skip: Set<number>;
  /** Objects of the part replaced by others of the file (merged fonts, the structure root). */
  redirect: Map<number, number>;
  mapRef: (r: PDFRef) => number;
  skipRef: (r: PDFObject | undefined) => void;
  /** The first structure key of this part in the file's parent tree. */
  keyOffset: number;
}

export class PdfAssembler {
  private readonly out: PdfFileWriter;
  private readonly g: { catalog: number; pagesRoot: number; structRoot: number; document: number; outlines: number; info: number; q: number; folioFont: number };
  private readonly fonts: FontMerger | undefined;
  private readonly hash = createHash('sha256');
  private parts = 0;
  /** Structure element ids and their elements, for the file's /IDTree. */
  private readonly idTree: string[] = [];
  private readonly pageNodes: { num: number; kids: number[] }[] = [];
  private pageCount = 0;
  private lastMediaBox = '[0 0 420 595]';
  /** The last page's sheet as printed (print files: before marks grow it). */
  private lastSheet: Box = [0, 0, 420, 595];
  private structKey = 0;
  private readonly parentTree: string[] = [];
  private readonly documentKids: number[] = [];
  private readonly dests = new Map<string, string>();
  private readonly wantedDests = new Map<string, string | undefined>();
  private readonly top: TopItem[] = [];
  private readonly starts: number[] = [];
  /** A single article keeps its own outline and destinations. */
  private single: { outlines?: number; dests?: number } = {};
  private folioUsed = false;
  /** The `q` stream that opens stamped pages is written. */
  private qUsed = false;
  /** Role and class maps of the parts' structure trees (Chromium writes none today). */
  private readonly structMaps = { RoleMap: new Map<string, string>(), ClassMap: new Map<string, string>() };
  private finished = false;

  constructor(private readonly options: AssembleOptions) {
    this.out = options.print ? new PdfFileWriter(options.file, PDFX_HEADER) : new PdfFileWriter(options.file);
    const first = this.out.alloc(7);
    this.g = { catalog: first, pagesRoot: first + 1, structRoot: first + 2, document: first + 3, outlines: first + 4, info: first + 5, q: first + 6, folioFont: this.out.alloc(5) };
    this.fonts = options.mode === 'book' ? new FontMerger(this.out, options.fontNames) : undefined;
    for (const b of options.frontBookmarks ?? []) {
      this.top.push({ num: this.out.alloc(), title: b.title, dest: `/${encodeName(b.dest)}`, count: 0, open: false });
      this.wantedDests.set(b.dest, undefined);
    }
  }

  /** Adds a blank page (the back of a page that ends a part). */
  addBlankPage(): void {
    const node = this.pageNode();
    const num = this.out.alloc();
    const print = this.options.print;
    if (print) {
      // The blank page has the boxes (and marks) of the page before it.
      const boxes = pageBoxes(this.lastSheet, print.bleed, print.marks);
      let contents = {};
      if (print.marks) {
        const marks = this.out.alloc();
        this.out.writeStream(marks, new NewStream({}, Buffer.from(cropMarks(boxes.trim, print.bleed), 'latin1')), false);
        contents = { Contents: ref(marks) };
      }
      this.out.writeValue(num, { Type: 'Page', Parent: ref(node.num), ...this.boxEntries(boxes), Resources: new Raw('<<>>'), ...contents });
    } else {
      this.out.writeValue(num, { Type: 'Page', Parent: ref(node.num), MediaBox: new Raw(this.lastMediaBox), Resources: new Raw('<<>>') });
    }
    node.kids.push(num);
    this.pageCount++;
  }

  /** The page count so far. */
  get pages(): number {
    return this.pageCount;
  }

  private boxEntries(boxes: { media: Box; bleed: Box; trim: Box }): Record<string, Raw> {
    return { MediaBox: new Raw(boxText(boxes.media)), BleedBox: new Raw(boxText(boxes.bleed)), TrimBox: new Raw(boxText(boxes.trim)) };
  }

  /** Adds a part (a PDF printed by Chromium). */
  async addPart(pdf: Uint8Array, part: PartOptions = {}): Promise<void> {
    if (this.options.rightHandStarts && this.pageCount % 2 === 1) this.addBlankPage();
    // The file's /ID comes from its parts, without Chromium's element ids (which change from run to run).
    // Neither do the print's dates.
    this.hash.update(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1').replace(/\((node\d+|D:[^)]*)\)/g, '()'));
    const ctx = await parsePdf(pdf);
    const ids = renumberElementIds(ctx, `p${++this.parts}.`);
    this.processPart(ctx, part, ids);
  }

  /**
   * Copies a part into the file: its structure tree, named destinations,
   * outline, pages and fonts are joined to the file's, each by its own step,
   * and every other object is written out renumbered.
   */
  private processPart(ctx: PDFContext, part: PartOptions, ids: [string, PDFRef][]): void {
    const catalogRef = ctx.trailerInfo.Root;
    const catalog = catalogRef instanceof PDFRef ? ctx.lookup(catalogRef) : undefined;
    if (!(catalog instanceof PDFDict)) throw new Error('The printed PDF has no catalog');
    const pages = collectPages(ctx, catalog);
    if (pages.refs.length === 0) throw new Error('The printed PDF has no pages');

    const first = this.out.alloc(ctx.largestObjectNumber);
    const skip = new Set<number>();
    const redirect = new Map<number, number>();
    const p: PartCopy = {
      ctx,
      catalog,
      pages,
      skip,
      redirect,
      mapRef: (r) => redirect.get(r.objectNumber) ?? first + r.objectNumber - 1,
      skipRef: (r) => {
        if (r instanceof PDFRef) skip.add(r.objectNumber);
      },
      keyOffset: this.structKey,
    };
    // Catalog, info and page tree are replaced by the file's own.
    p.skipRef(catalogRef);
    p.skipRef(ctx.trailerInfo.Info);
    for (const n of pages.nodes) skip.add(n);

    this.copyStructure(p, part, ids);
    this.copyDestinations(p);
    this.copyOutline(p, part);
    this.copyPages(p, part);
    this.copyFonts(p);
    for (const [r, obj] of ctx.enumerateIndirectObjects()) {
      if (skip.has(r.objectNumber)) continue;
      this.out.writeObject(first + r.objectNumber - 1, obj, p.mapRef);
    }
  }

  /** Structure: the part's root becomes the book's Document (or the file's root); parent tree, ids and role maps join the file's. */
  private copyStructure(p: PartCopy, part: PartOptions, ids: [string, PDFRef][]): void {
    const { ctx, catalog, skip, redirect, mapRef, skipRef } = p;
    const book = this.options.mode === 'book';
    // Structure: the part's root becomes the book's Document (or the file's root).
    const structRootRef = getRef(catalog, 'StructTreeRoot');
    const structRoot = structRootRef && ctx.lookup(structRootRef);
    const keyOffset = p.keyOffset;
    if (structRootRef && structRoot instanceof PDFDict) {
      skip.add(structRootRef.objectNumber);
      redirect.set(structRootRef.objectNumber, book ? this.g.document : this.g.structRoot);
      const kids = lookup(ctx, structRoot.get(PDFName.of('K')));
      const kidRefs = kids instanceof PDFArray ? kids.asArray() : [kids];
      for (const k of kidRefs) {
        if (!(k instanceof PDFRef)) continue;
        const elem = ctx.lookup(k);
        if (book && elem instanceof PDFDict && getName(elem, 'S') === 'Document') elem.set(PDFName.of('S'), PDFName.of(part.structType ?? 'Part'));
        this.documentKids.push(mapRef(k));
      }
      const treeRef = structRoot.get(PDFName.of('ParentTree'));
      const nums = numberTree(ctx, treeRef, skip);
      let next = getNumber(ctx, structRoot, 'ParentTreeNextKey') ?? 0;
      for (const [key, value] of nums) {
        this.parentTree.push(`${key + keyOffset} ${serialize(value, mapRef)}`);
        next = Math.max(next, key + 1);
      }
      // The part's id tree is replaced by the file's (the ids were renamed).
      const skipTree = (node: PDFObject | undefined): void => {
        skipRef(node);
        const kids = lookup(ctx, (lookup(ctx, node) as PDFDict | undefined)?.get?.(PDFName.of('Kids')));
        if (kids instanceof PDFArray) for (const k of kids.asArray()) skipTree(k);
      };
      skipTree(structRoot.get(PDFName.of('IDTree')));
      for (const [name, elem] of ids) this.idTree.push(`${text(name).toString()} ${mapRef(elem)} 0 R`);
      for (const key of ['RoleMap', 'ClassMap'] as const) {
        const map = lookup(ctx, structRoot.get(PDFName.of(key)));
        if (map instanceof PDFDict) for (const [k, v] of map.entries()) this.structMaps[key].set(k.toString(), serialize(v, mapRef));
      }
      this.structKey += next;
    }
  }

  /** Named destinations: the book keeps one table of them; a single article keeps its own. */
  private copyDestinations(p: PartCopy): void {
    const { ctx, catalog, mapRef, skipRef } = p;
    const book = this.options.mode === 'book';
    // Named destinations.
    const destsRef = catalog.get(PDFName.of('Dests'));
    const dests = lookup(ctx, destsRef);
    if (dests instanceof PDFDict) {
      if (book) {
        skipRef(destsRef);
        for (const [k, v] of dests.entries()) {
          const key = k.decodeText();
          if (!this.dests.has(key)) this.dests.set(key, serialize(lookup(ctx, v) ?? v, mapRef));
        }
      } else if (destsRef instanceof PDFRef) {
        this.single.dests = mapRef(destsRef);
      }
    }
    if (catalog.get(PDFName.of('Names')) !== undefined && book) {
      throw new Error('The printed PDF has a /Names dictionary, which this assembly does not merge');
    }
  }

  /** Outline: an article's bookmarks go under its entry of the book (or stay its own); the front matter's are dropped. */
  private copyOutline(p: PartCopy, part: PartOptions): void {
    const { ctx, catalog, pages, skip, redirect, mapRef } = p;
    const book = this.options.mode === 'book';
    // Outline.
    const out = this.out;
    const outlinesRef = getRef(catalog, 'Outlines');
    const outlines = outlinesRef && ctx.lookup(outlinesRef);
    if (outlines instanceof PDFDict && part.headings) repairTitles(ctx, outlines, part.headings);
    const firstPageNum = mapRef(pages.refs[0]!);
    if (book) {
      if (part.bookmark) {
        const item: TopItem = { num: out.alloc(), title: part.bookmark.title, dest: `[${firstPageNum} 0 R /XYZ null null null]`, count: 0, open: part.bookmark.open };
        if (outlinesRef && outlines instanceof PDFDict) this.adoptOutline(ctx, outlinesRef, outlines, item, skip, redirect, mapRef);
        this.top.push(item);
      } else if (outlinesRef) {
        // The part's own bookmarks are not wanted (front matter): drop them.
        dropOutline(ctx, outlinesRef, skip);
      }
      if (part.startName) this.dests.set(part.startName, `[${firstPageNum} 0 R /XYZ null null null]`);
    } else if (outlinesRef) {
      this.single.outlines = mapRef(outlinesRef);
    }
    if (book) this.starts.push(this.pageCount + 1);
  }

  /** Pages: new parents, shifted structure keys, page numbers, links. */
  private copyPages(p: PartCopy, part: PartOptions): void {
    const { ctx, pages, mapRef } = p;
    const keyOffset = p.keyOffset;
    for (const [index, pageRef] of pages.refs.entries()) {
      const page = ctx.lookup(pageRef) as PDFDict;
      const node = this.pageNode();
      node.kids.push(mapRef(pageRef));
      this.pageCount++;
      page.set(PDFName.of('Parent'), ref(node.num));
      const sp = getNumber(ctx, page, 'StructParents');
      if (sp !== undefined) page.set(PDFName.of('StructParents'), PDFNumber.of(sp + keyOffset));
      const box = lookup(ctx, page.get(PDFName.of('MediaBox')));
      if (box instanceof PDFArray) this.lastMediaBox = serialize(box, mapRef);
      const annots = getArray(ctx, page, 'Annots');
      for (const a of annots?.asArray() ?? []) {
        const annot = lookup(ctx, a);
        if (annot instanceof PDFDict) this.adjustAnnotation(ctx, annot, keyOffset);
      }
      const print = this.options.print;
      if (!print) {
        if (this.options.folios && part.folio?.(index)) this.addFolio(ctx, page, box, mapRef);
        continue;
      }
      // A print page: its boxes, its crop marks, and no links (paper cannot be clicked).
      // The sheet as intended: Chromium rounds some page sizes by a fraction of a point.
      const printed = numbers(box);
      const sheet: Box = print.sheet ? [printed[0], printed[1], printed[0] + print.sheet.width, printed[1] + print.sheet.height] : printed;
      this.lastSheet = sheet;
      const boxes = pageBoxes(sheet, print.bleed, print.marks);
      for (const [k, v] of Object.entries(this.boxEntries(boxes))) page.set(PDFName.of(k), v);
      page.delete(PDFName.of('Annots'));
      const marks = print.marks ? cropMarks(boxes.trim, print.bleed) : '';
      if (this.options.folios && part.folio?.(index)) this.addFolio(ctx, page, box, mapRef, marks);
      else if (marks) this.addStamp(ctx, page, mapRef, Buffer.from(`Q\n${marks}`, 'latin1'));
    }
  }

  /** Fonts: shared by all parts (a book), or kept as the part has them (one article), under their real names. */
  private copyFonts(p: PartCopy): void {
    const { ctx, pages, skip, redirect } = p;
    const seen = new Set<number>();
    const fonts = this.fonts;
    const renames = this.options.fontNames ?? new Map<string, FontNames>();
    for (const pageRef of pages.refs) {
      this.eachFont(ctx, ctx.lookup(pageRef) as PDFDict, seen, (font) => {
        if (!fonts) return renameFont(ctx, font, renames);
        const merged = fonts.adopt(ctx, font);
        if (!merged) return;
        redirect.set(font.objectNumber, merged.replacement);
        for (const n of merged.objects) skip.add(n);
      });
    }
  }

  /** Hangs the part's outline under `item`: see the module comment. */
  private adoptOutline(
    ctx: PDFContext,
    outlinesRef: PDFRef,
    outlines: PDFDict,
    item: TopItem,
    skip: Set<number>,
    redirect: Map<number, number>,
    mapRef: (r: PDFRef) => number,
  ): void {
    skip.add(outlinesRef.objectNumber);
    redirect.set(outlinesRef.objectNumber, item.num);
    const tops = children(ctx, outlines);
    const titleRef = tops[0];
    if (!titleRef) return;
    const title = ctx.lookup(titleRef) as PDFDict;
    // The first top-level bookmark is the article's title: the book's item takes its place.
    skip.add(titleRef.objectNumber);
    redirect.set(titleRef.objectNumber, item.num);
    const dest = title.get(PDFName.of('Dest'));
    if (dest) item.dest = serialize(lookup(ctx, dest) ?? dest, mapRef);
    const se = title.get(PDFName.of('SE'));
    if (se) item.se = serialize(se, mapRef);
    const below = children(ctx, title);
    const rest = tops.slice(1);
    const lastChild = below[below.length - 1];
    if (lastChild && rest[0]) {
      (ctx.lookup(lastChild) as PDFDict).set(PDFName.of('Next'), rest[0]);
      (ctx.lookup(rest[0]) as PDFDict).set(PDFName.of('Prev'), lastChild);
    } else if (rest[0]) {
      (ctx.lookup(rest[0]) as PDFDict).delete(PDFName.of('Prev'));
    }
    const all = [...below, ...rest];
    if (all.length === 0) return;
    item.first = mapRef(all[0]!);
    item.last = mapRef(all[all.length - 1]!);
    item.count = all.reduce((n, r) => n + 1 + Math.max(0, getNumber(ctx, ctx.lookup(r) as PDFDict, 'Count') ?? 0), 0);
  }

  private adjustAnnotation(ctx: PDFContext, annot: PDFDict, keyOffset: number): void {
    const sp = getNumber(ctx, annot, 'StructParent');
    if (sp !== undefined) annot.set(PDFName.of('StructParent'), PDFNumber.of(sp + keyOffset));
    const action = getDict(ctx, annot, 'A');
    if (!action || getName(action, 'S') !== 'URI') return;
    const uri = lookup(ctx, action.get(PDFName.of('URI')));
    if (!(uri instanceof PDFString || uri instanceof PDFHexString)) return;
    const target = this.options.links(uri.decodeText());
    if (!target) return;
    if ('file' in target) {
      annot.set(
        PDFName.of('A'),
        new Raw(`<</S /GoToR /F ${text(target.file).toString()} /D ${target.dest ? `/${encodeName(target.dest)}` : '[0 /Fit]'} /NewWindow false>>`),
      );
    } else {
      annot.delete(PDFName.of('A'));
      annot.set(PDFName.of('Dest'), new Raw(`/${encodeName(target.dest)}`));
      if (!this.wantedDests.has(target.dest)) this.wantedDests.set(target.dest, target.fallback);
    }
  }

  /** Stamps the page number; `extra` (crop marks) is drawn after it, in the page's default space. */
  private addFolio(ctx: PDFContext, page: PDFDict, box: PDFObject | undefined, mapRef: (r: PDFRef) => number, extra = ''): void {
    const folios = this.options.folios!;
    const [x0 = 0, y0 = 0, x1 = 420] = box instanceof PDFArray ? box.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) : [];
    const number = String(this.pageCount);
    const odd = this.pageCount % 2 === 1;
    const { inner, outer, bottom } = folios.margins;
    // The binding is on the left of odd pages, or on their right when the pages run from right to left.
    const left = odd !== Boolean(this.options.rtl) ? inner : outer;
    // A print page is the trim with its bleed all round: the margins count from the trim.
    const b = this.options.print?.bleed ?? 0;
    const width = b ? x1 - x0 - 2 * b - inner - outer : x1 - x0 - inner - outer;
    const w = folios.font.width(number, folios.style.size);
    const x = b ? x0 + b + left + (width - w) / 2 : x0 + left + (width - w) / 2;
    const y = b ? y0 + b + bottom / 2 - folios.style.size * 0.3 : y0 + bottom / 2 - folios.style.size * 0.3;
    const stamp = folios.font.stamp(number, x, y, folios.style);
    this.addStamp(ctx, page, mapRef, extra ? Buffer.concat([stamp, Buffer.from(extra, 'latin1')]) : stamp);
    const fonts = ownDict(ctx, ownDict(ctx, page, 'Resources'), 'Font');
    fonts.set(PDFName.of(FolioFont.resourceName), ref(this.g.folioFont));
    this.folioUsed = true;
  }

  /** Adds content after the page's own, which is wrapped in q … Q: `data` starts with Q, back in the page's default space. */
  private addStamp(ctx: PDFContext, page: PDFDict, mapRef: (r: PDFRef) => number, data: Uint8Array): void {
    const stamp = this.out.alloc();
    this.out.writeStream(stamp, new NewStream({}, data), false);
    const contents = page.get(PDFName.of('Contents'));
    const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
    page.set(PDFName.of('Contents'), new Raw(`[${this.g.q} 0 R ${list.map((c) => serialize(c, mapRef)).join(' ')} ${stamp} 0 R]`));
    this.qUsed = true;
  }

  /** Calls `fn` once for every font the page (or a form on it) uses. */
  private eachFont(ctx: PDFContext, page: PDFDict, seen: Set<number>, fn: (font: PDFRef) => void): void {
    const forms = new Set<number>();
    const visit = (resources: PDFObject | undefined) => {
      const res = lookup(ctx, resources);
      if (!(res instanceof PDFDict)) return;
      const fonts = lookup(ctx, res.get(PDFName.of('Font')));
      if (fonts instanceof PDFDict) {
        for (const v of fonts.values()) {
          if (!(v instanceof PDFRef) || seen.has(v.objectNumber)) continue;
          seen.add(v.objectNumber);
          fn(v);
        }
      }
      const xobjects = lookup(ctx, res.get(PDFName.of('XObject')));
      if (xobjects instanceof PDFDict) {
        for (const v of xobjects.values()) {
          if (!(v instanceof PDFRef) || forms.has(v.objectNumber)) continue;
          forms.add(v.objectNumber);
          const x = ctx.lookup(v);
          if (x instanceof PDFRawStream && getName(x.dict, 'Subtype') === 'Form') visit(x.dict.get(PDFName.of('Resources')));
        }
      }
    };
    visit(page.get(PDFName.of('Resources')));
  }

  private pageNode(): { num: number; kids: number[] } {
    let node = this.pageNodes[this.pageNodes.length - 1];
    if (!node || node.kids.length >= PAGES_PER_NODE) {
      node = { num: this.out.alloc(), kids: [] };
      this.pageNodes.push(node);
    }
    return node;
  }

  /** Writes everything that spans the parts and closes the file. */
  finish(): AssembleResult {
    const { out, g, options } = this;
    const book = options.mode === 'book';
    // Page tree: a root over nodes of up to 64 pages.
    for (const node of this.pageNodes) out.writeValue(node.num, { Type: 'Pages', Parent: ref(g.pagesRoot), Kids: new Raw(`[${node.kids.map((k) => `${k} 0 R`).join(' ')}]`), Count: node.kids.length });
    out.writeValue(g.pagesRoot, { Type: 'Pages', Kids: new Raw(`[${this.pageNodes.map((n) => `${n.num} 0 R`).join(' ')}]`), Count: this.pageCount });

    if (this.qUsed) out.writeStream(g.q, new NewStream({}, Buffer.from('q\n', 'latin1')), false);
    if (this.folioUsed) options.folios!.font.write(out, g.folioFont);
    this.fonts?.finish();

    // Structure tree.
    const parentTree = out.alloc();
    writeNumberTree(out, parentTree, this.parentTree);
    const structKids = `[${this.documentKids.map((k) => `${k} 0 R`).join(' ')}]`;
    if (book) {
      out.writeValue(g.document, { Type: 'StructElem', S: 'Document', P: ref(g.structRoot), K: new Raw(structKids), Lang: text(options.info.lang) });
    }
    out.writeValue(g.structRoot, {
      Type: 'StructTreeRoot',
      K: new Raw(book ? `${g.document} 0 R` : structKids),
      ParentTree: ref(parentTree),
      ParentTreeNextKey: this.structKey,
      // Names of a name tree are sorted: part prefixes and numbers are ASCII, compared byte by byte.
      ...(this.idTree.length ? { IDTree: new Raw(`<</Names [${this.idTree.sort(byName).join(' ')}]>>`) } : {}),
      ...mapsOf(this.structMaps),
    });

    // Named destinations: every name a link uses must exist.
    let destsNum = this.single.dests;
    if (book) {
      for (const [wanted, fallback] of this.wantedDests) {
        if (this.dests.has(wanted)) continue;
        this.dests.set(wanted, (fallback && this.dests.get(fallback)) || `[${this.pageNodes[0]!.kids[0]} 0 R /XYZ null null null]`);
      }
      destsNum = out.alloc();
      const entries = [...this.dests].map(([k, v]) => `/${encodeName(k)} ${v}`);
      out.writeValue(destsNum, new Raw(`<<${entries.join('\n')}>>`));
    }

    // Outline.
    let outlinesNum = this.single.outlines;
    if (book && this.top.length) {
      outlinesNum = g.outlines;
      let visible = 0;
      this.top.forEach((item, i) => {
        const prev = this.top[i - 1];
        const next = this.top[i + 1];
        visible += 1 + (item.open ? item.count : 0);
        out.writeValue(item.num, {
          Title: text(item.title),
          Parent: ref(g.outlines),
          ...(prev ? { Prev: ref(prev.num) } : {}),
          ...(next ? { Next: ref(next.num) } : {}),
          ...(item.first ? { First: ref(item.first), Last: ref(item.last!), Count: item.open ? item.count : -item.count } : {}),
          Dest: new Raw(item.dest),
          ...(item.se ? { SE: new Raw(item.se) } : {}),
        });
      });
      out.writeValue(g.outlines, { Type: 'Outlines', First: ref(this.top[0]!.num), Last: ref(this.top[this.top.length - 1]!.num), Count: visible });
    }

    const info = options.info;
    const now = info.created ?? new Date();
    const id = this.hash.digest('hex').slice(0, 32);
    const producer = 'anthology (Chromium, assembled with pdf-lib)';
    // A print file: PDF/X-4's output intent, metadata, Trapped and version (pdfx.ts).
    const pdfx = options.print
      ? {
          info: pdfxInfo(),
          catalog: {
            OutputIntents: writeOutputIntent(out),
            Metadata: writeXmp(out, { title: info.title, author: info.author, subject: info.subject, creator: info.creator, producer, date: now, id, lang: info.lang }),
          },
        }
      : undefined;
    out.writeValue(g.info, {
      Title: text(info.title),
      ...(info.author ? { Author: text(info.author) } : {}),
      ...(info.subject ? { Subject: text(info.subject) } : {}),
      ...(info.keywords ? { Keywords: text(info.keywords) } : {}),
      Creator: text(info.creator),
      Producer: text(producer),
      CreationDate: PDFString.fromDate(now),
      ModDate: PDFString.fromDate(now),
      ...pdfx?.info,
    });
    out.writeValue(g.catalog, {
      Type: 'Catalog',
      Pages: ref(g.pagesRoot),
      Lang: text(info.lang),
      MarkInfo: new Raw('<</Marked true>>'),
      StructTreeRoot: ref(g.structRoot),
      ViewerPreferences: new Raw(options.rtl ? '<</DisplayDocTitle true /Direction /R2L>>' : '<</DisplayDocTitle true>>'),
      ...(outlinesNum ? { Outlines: ref(outlinesNum), PageMode: 'UseOutlines' } : {}),
      ...(destsNum ? { Dests: ref(destsNum) } : {}),
      ...(options.pageLayout ? { PageLayout: options.pageLayout } : {}),
      ...pdfx?.catalog,
    });
    out.finish(g.catalog, g.info, id);
    this.finished = true;
    return { pages: this.pageCount, bytes: out.size, starts: this.starts, fonts: { subsets: this.fonts?.stats.subsets ?? 0 } };
  }

  /** Closes the file after a failure (the caller removes it). */
  abandon(): void {
    if (!this.finished) this.out.abandon();
  }
}

/** Pages in order, and the object numbers of the page tree's inner nodes. */
/**
 * Structure element ids: Chromium numbers them after its DOM nodes, which
 * differs between runs and repeats between parts. They are renamed in the
 * order they appear, with a prefix per part, so that they are unique in the
 * book (as the PDF format requires) and the same on every build; table
 * header references (/Headers) follow.
 */
function renumberElementIds(ctx: PDFContext, prefix: string): [string, PDFRef][] {
  const elements: [string, PDFRef][] = [];
  const names = new Map<string, string>();
  const rename = (s: PDFObject | undefined): PDFString | undefined => {
    if (!(s instanceof PDFString || s instanceof PDFHexString)) return undefined;
    const old = s.decodeText();
    let name = names.get(old);
    if (!name) names.set(old, (name = `${prefix}${names.size + 1}`));
    return PDFString.of(name);
  };
  const renameHeaders = (attrs: PDFObject | undefined): void => {
    const a = lookup(ctx, attrs);
    if (a instanceof PDFArray) for (const x of a.asArray()) renameHeaders(x);
    if (!(a instanceof PDFDict)) return;
    const headers = lookup(ctx, a.get(PDFName.of('Headers')));
    if (headers instanceof PDFArray) headers.asArray().forEach((h, i) => headers.set(i, rename(lookup(ctx, h)) ?? h));
  };
  for (const [objRef, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || getName(obj, 'Type') !== 'StructElem') continue;
    const id = rename(lookup(ctx, obj.get(PDFName.of('ID'))));
    if (id) {
      obj.set(PDFName.of('ID'), id);
      elements.push([id.decodeText(), objRef]);
    }
    renameHeaders(obj.get(PDFName.of('A')));
  }
  return elements;
}

/** A box array's four numbers. */
function numbers(box: PDFObject | undefined): Box {
  const [x0 = 0, y0 = 0, x1 = 420, y1 = 595] = box instanceof PDFArray ? box.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) : [];
  return [x0, y0, x1, y1];
}

/** Orders name tree entries (`(name) n 0 R`) by name. */
function byName(a: string, b: string): number {
  const ka = a.slice(0, a.indexOf(') '));
  const kb = b.slice(0, b.indexOf(') '));
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function collectPages(ctx: PDFContext, catalog: PDFDict): { refs: PDFRef[]; nodes: number[] } {
  const refs: PDFRef[] = [];
  const nodes: number[] = [];
  const root = getRef(catalog, 'Pages');
  const stack: PDFRef[] = root ? [root] : [];
  while (stack.length) {
    const r = stack.pop()!;
    const node = ctx.lookup(r);
    if (!(node instanceof PDFDict)) continue;
    if (getName(node, 'Type') === 'Page') {
      refs.push(r);
      continue;
    }
    nodes.push(r.objectNumber);
    const kids = getArray(ctx, node, 'Kids');
    for (let i = (kids?.size() ?? 0) - 1; i >= 0; i--) {
      const k = kids!.get(i);
      if (k instanceof PDFRef) stack.push(k);
    }
  }
  return { refs, nodes };
}

/** The entries of a number tree; its nodes are added to `skip`. */
function numberTree(ctx: PDFContext, rootRef: PDFObject | undefined, skip: Set<number>): [number, PDFObject][] {
  const out: [number, PDFObject][] = [];
  const stack: PDFObject[] = rootRef ? [rootRef] : [];
  while (stack.length) {
    const r = stack.pop()!;
    if (r instanceof PDFRef) skip.add(r.objectNumber);
    const node = lookup(ctx, r);
    if (!(node instanceof PDFDict)) continue;
    const nums = getArray(ctx, node, 'Nums');
    if (nums) {
      for (let i = 0; i + 1 < nums.size(); i += 2) {
        const k = nums.get(i);
        if (k instanceof PDFNumber) out.push([k.asNumber(), nums.get(i + 1)]);
      }
    }
    const kids = getArray(ctx, node, 'Kids');
    if (kids) for (const k of kids.asArray()) stack.push(k);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Chromium 156 writes the title of a heading that moved to the next page
 * twice over ("PaperPaper") in its outline. A title that is not one of the
 * part's headings but one of them repeated is put right.
 */
function repairTitles(ctx: PDFContext, outlines: PDFDict, headings: readonly string[]): void {
  const known = new Set(headings.map((h) => h.replace(/\s+/g, ' ').trim()).filter(Boolean));
  const stack: PDFRef[] = [];
  const first = getRef(outlines, 'First');
  if (first) stack.push(first);
  let guard = 0;
  while (stack.length && guard++ < 1_000_000) {
    const r = stack.pop()!;
    const item = ctx.lookup(r);
    if (!(item instanceof PDFDict)) continue;
    for (const k of ['Next', 'First']) {
      const n = getRef(item, k);
      if (n) stack.push(n);
    }
    const title = lookup(ctx, item.get(PDFName.of('Title')));
    if (!(title instanceof PDFString || title instanceof PDFHexString)) continue;
    const value = title.decodeText().replace(/\s+/g, ' ').trim();
    if (known.has(value)) continue;
    for (const h of known) {
      if (value.length > h.length && value.length % h.length === 0 && h.repeat(value.length / h.length) === value) {
        item.set(PDFName.of('Title'), text(h));
        break;
      }
    }
  }
}

/** The non-empty role and class maps, as dictionaries. */
function mapsOf(maps: Record<string, Map<string, string>>): Record<string, Raw> {
  const out: Record<string, Raw> = {};
  for (const [key, map] of Object.entries(maps)) {
    if (map.size) out[key] = new Raw(`<<${[...map].map(([k, v]) => `${k} ${v}`).join(' ')}>>`);
  }
  return out;
}

/**
 * The dictionary under `key`, made the holder's own (inline) so that
 * changing it changes nothing else: an indirect one may be shared.
 */
function ownDict(ctx: PDFContext, holder: PDFDict, key: string): PDFDict {
  const value = holder.get(PDFName.of(key));
  const dict = lookup(ctx, value);
  const own = dict instanceof PDFDict ? (value instanceof PDFRef ? dict.clone() : dict) : PDFDict.withContext(ctx);
  holder.set(PDFName.of(key), own);
  return own;
}

/** The items below an outline item (or the outline root), in order. */
function children(ctx: PDFContext, item: PDFDict): PDFRef[] {
  const out: PDFRef[] = [];
  const seen = new Set<number>();
  for (let r = getRef(item, 'First'); r && !seen.has(r.objectNumber); ) {
    seen.add(r.objectNumber);
    out.push(r);
    const d = ctx.lookup(r);
    r = d instanceof PDFDict ? getRef(d, 'Next') : undefined;
  }
  return out;
}

function dropOutline(ctx: PDFContext, rootRef: PDFRef, skip: Set<number>): void {
  const stack: PDFRef[] = [rootRef];
  while (stack.length) {
    const r = stack.pop()!;
    if (skip.has(r.objectNumber)) continue;
    skip.add(r.objectNumber);
    const d = ctx.lookup(r);
    if (!(d instanceof PDFDict)) continue;
    for (const k of ['First', 'Next']) {
      const n = getRef(d, k);
      if (n) stack.push(n);
    }
  }
}

/** A number tree of `key value` entries, in leaves of up to 512 under one root. */
function writeNumberTree(out: PdfFileWriter, root: number, entries: string[]): void {
  const LEAF = 512;
  if (entries.length <= LEAF) {
    out.writeValue(root, new Raw(`<</Nums [${entries.join('\n')}]>>`));
    return;
  }
  const kids: number[] = [];
  for (let i = 0; i < entries.length; i += LEAF) {
    const chunk = entries.slice(i, i + LEAF);
    const num = out.alloc();
    const lo = chunk[0]!.split(' ', 1)[0];
    const hi = chunk[chunk.length - 1]!.split(' ', 1)[0];
    out.writeValue(num, new Raw(`<</Limits [${lo} ${hi}] /Nums [${chunk.join('\n')}]>>`));
    kids.push(num);
  }
  out.writeValue(root, new Raw(`<</Kids [${kids.map((k) => `${k} 0 R`).join(' ')}]>>`));
}

/** A name (raw bytes, see destName) written with # escapes. */
export function encodeName(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    out += c > 0x20 && c < 0x7f && !'#()<>[]{}/%'.includes(raw[i]!) ? raw[i] : '#' + c.toString(16).padStart(2, '0');
  }
  return out;
}
