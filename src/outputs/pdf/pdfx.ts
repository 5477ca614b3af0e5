/**
 * What PDF/X-4 asks of a print file at its top level, as written here: an
 * sRGB output intent with its ICC profile (icc/sRGB.icc), XMP metadata that
 * agrees with the document information, and `Trapped`. (The page boxes are
 * written per page by the assembler, print-marks.ts.)
 *
 * The files are not marked as PDF/X (no `GTS_PDFXVersion`): no PDF/X
 * validator runs here (veraPDF checks PDF/A and PDF/UA, not PDF/X; the PDF/X
 * preflights are Acrobat Pro's and callas pdfToolbox), and a mark nobody
 * checked is a claim a printer's RIP would trust. The printer's preflight
 * can verify the files and mark them (see the README).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NewStream, type PdfFileWriter, Raw, ref, text } from './pdf-file.ts';

export const PDFX_VERSION = 'PDF/X-4';
/** The header version PDF/X-4 allows at most. */
export const PDFX_HEADER = '1.6';
const CONDITION = 'sRGB IEC61966-2.1';

let profile: Buffer | undefined;
/** The sRGB profile (see icc/README.md). */
export function srgbProfile(): Buffer {
  profile ??= readFileSync(fileURLToPath(new URL('./icc/sRGB.icc', import.meta.url)));
  return profile;
}

/** Writes the output intent and its profile; returns the catalog's `/OutputIntents` value. */
export function writeOutputIntent(out: PdfFileWriter): Raw {
  const icc = out.alloc();
  out.writeStream(icc, new NewStream({ N: 3 }, srgbProfile()), true);
  return new Raw(
    `[<</Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier ${text(CONDITION).toString()} /RegistryName (http://www.color.org) /Info ${text(CONDITION).toString()} /DestOutputProfile ${icc} 0 R>>]`,
  );
}

export interface XmpInfo {
  title: string;
  author?: string;
  subject?: string;
  creator: string;
  producer: string;
  date: Date;
  /** The file's /ID, hex: the document and instance ids derive from it. */
  id: string;
  lang: string;
}

/** Writes the XMP metadata stream (uncompressed, as metadata should be readable); returns a reference to it. */
export function writeXmp(out: PdfFileWriter, info: XmpInfo): Raw {
  const num = out.alloc();
  out.writeStream(num, new NewStream({ Type: 'Metadata', Subtype: 'XML' }, Buffer.from(xmp(info), 'utf8')), false);
  return ref(num);
}

/** `Trapped`, for the document information dictionary (not the PDF/X version: see above). */
export function pdfxInfo(): Record<string, Raw> {
  return { Trapped: new Raw('/False') };
}

function xmp(info: XmpInfo): string {
  const date = info.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const uuid = (hex: string) => `uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const lang = escapeXml(info.lang);
  const alt = (value: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(value)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about=""',
    '  xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '  xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
    '  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">',
    `<dc:format>application/pdf</dc:format>`,
    `<dc:title>${alt(info.title)}</dc:title>`,
    info.author ? `<dc:creator><rdf:Seq><rdf:li>${escapeXml(info.author)}</rdf:li></rdf:Seq></dc:creator>` : '',
    info.subject ? `<dc:description>${alt(info.subject)}</dc:description>` : '',
    `<dc:language><rdf:Bag><rdf:li>${lang}</rdf:li></rdf:Bag></dc:language>`,
    `<xmp:CreateDate>${date}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${date}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${date}</xmp:MetadataDate>`,
    `<xmp:CreatorTool>${escapeXml(info.creator)}</xmp:CreatorTool>`,
    `<pdf:Producer>${escapeXml(info.producer)}</pdf:Producer>`,
    `<pdf:Trapped>False</pdf:Trapped>`,
    `<xmpMM:DocumentID>${uuid(info.id)}</xmpMM:DocumentID>`,
    `<xmpMM:InstanceID>${uuid(info.id)}</xmpMM:InstanceID>`,
    `<xmpMM:VersionID>1</xmpMM:VersionID>`,
    `<xmpMM:RenditionClass>default</xmpMM:RenditionClass>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    // Room to edit the metadata in place, as XMP packets have.
    ...Array.from({ length: 20 }, () => ' '.repeat(99)),
    '<?xpacket end="w"?>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
