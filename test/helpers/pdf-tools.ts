/**
 * Reading PDFs the way readers' tools do, for structural tests: poppler
 * (pdfinfo, pdftotext, pdffonts), qpdf, and pdf-lib for links.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef, PDFString } from 'pdf-lib';

export const PDF_TOOLS = ['pdfinfo', 'pdftotext', 'pdffonts', 'qpdf'] as const;

/** The tools that are missing (empty when the PDF tests can run). */
export function missingPdfTools(): string[] {
  return PDF_TOOLS.filter((tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).error !== undefined);
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });

export function pdfInfo(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

/** The text of every page, in reading order, or laid out as on the page (`layout`). */
export function pageTexts(file: string, options: { layout?: boolean } = {}): string[] {
  const pages = run('pdftotext', ['-enc', 'UTF-8', ...(options.layout ? ['-layout'] : []), file, '-']).split('\f');
  pages.pop();
  return pages;
}

export interface FontRow {
  name: string;
  type: string;
  embedded: boolean;
}

export function pdfFonts(file: string): FontRow[] {
  return run('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID
      return { name: cols[0]!, type: line.includes('Type 3') ? 'Type 3' : line.includes('CID TrueType') ? 'CID TrueType' : cols[1]!, embedded: cols[cols.length - 5] === 'yes' };
    });
}

export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { ok: r.status === 0 || r.status === 3, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

export interface Bookmark {
  title: string;
  /** 1-based page the bookmark goes to. */
  page: number;
  kids: Bookmark[];
}

export function bookmarks(file: string): Bookmark[] {
  const json = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', file])) as { outlines: RawBookmark[] };
  const convert = (b: RawBookmark): Bookmark => ({ title: b.title, page: b.destpageposfrom1, kids: b.kids.map(convert) });
  return json.outlines.map(convert);
}
interface RawBookmark {
  title: string;
  destpageposfrom1: number;
  kids: RawBookmark[];
}

export interface Link {
  /** 1-based page the link is on. */
  page: number;
  /** 1-based page it goes to, for links inside the file. */
  target?: number;
  uri?: string;
  /** `file` and destination of a link to another PDF. */
  remote?: { file: string; dest: string };
}

/** Every link annotation, with internal destinations resolved to pages. */
export async function links(file: string): Promise<Link[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const ctx = doc.context;
  const pages = doc.getPages().map((p) => p.ref);
  const pageOf = (dest: unknown): number | undefined => {
    let d = dest instanceof PDFRef ? ctx.lookup(dest) : dest;
    if (d instanceof PDFName) {
      const dests = doc.catalog.lookup(PDFName.of('Dests'));
      d = dests instanceof PDFDict ? dests.lookup(d) : undefined;
    }
    if (d instanceof PDFDict) d = d.lookup(PDFName.of('D'));
    if (d instanceof PDFArray && d.get(0) instanceof PDFRef) {
      const i = pages.findIndex((p) => p === d.get(0));
      return i >= 0 ? i + 1 : undefined;
    }
    return undefined;
  };
  const text = (v: unknown) => (v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : v instanceof PDFName ? v.decodeText() : String(v));
  const out: Link[] = [];
  doc.getPages().forEach((page, i) => {
    const annots = page.node.Annots();
    for (let k = 0; k < (annots?.size() ?? 0); k++) {
      const a = annots!.lookup(k, PDFDict);
      if (a.lookup(PDFName.of('Subtype')) !== PDFName.of('Link')) continue;
      const link: Link = { page: i + 1 };
      const dest = a.get(PDFName.of('Dest'));
      const action = a.lookup(PDFName.of('A'));
      if (dest) link.target = pageOf(dest);
      if (action instanceof PDFDict) {
        const kind = action.lookup(PDFName.of('S'));
        if (kind === PDFName.of('URI')) link.uri = text(action.lookup(PDFName.of('URI')));
        if (kind === PDFName.of('GoTo')) link.target = pageOf(action.get(PDFName.of('D')));
        if (kind === PDFName.of('GoToR')) link.remote = { file: text(action.lookup(PDFName.of('F'))), dest: text(action.lookup(PDFName.of('D'))) };
      }
      out.push(link);
    }
  });
  return out;
}

/** The catalog's /Lang. */
export async function pdfLang(file: string): Promise<string | undefined> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const lang = doc.catalog.lookup(PDFName.of('Lang'));
  return lang instanceof PDFString || lang instanceof PDFHexString ? lang.decodeText() : undefined;
}

/** The PostScript names inside the font files a PDF embeds (FontFile2), as font tools read them. */
export async function embeddedFontNames(file: string): Promise<string[]> {
  const { default: fontkit } = await import('@pdf-lib/fontkit');
  const { inflateSync } = await import('node:zlib');
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const names: string[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('FontDescriptor')) continue;
    const ref = obj.get(PDFName.of('FontFile2'));
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : undefined;
    if (!(stream instanceof PDFRawStream)) continue;
    const bytes = stream.dict.get(PDFName.of('Filter')) ? inflateSync(stream.contents) : Buffer.from(stream.contents);
    names.push((fontkit.create(bytes) as { postscriptName: string }).postscriptName);
  }
  return names;
}
