/**
 * `anthology import`: saved web pages and plain-text clippings become clean
 * Markdown articles with front matter in the articles folder. Each input is
 * handled on its own: a problem with one file is reported with its name and
 * the others go on.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { decode } from '../content/decode.ts';
import { findArticles } from '../content/find.ts';
import { parseFrontMatter, splitFrontMatter } from '../content/frontmatter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { type DuplicateCandidate, findDuplicates, percent } from '../duplicates/find.ts';
import { extractHtml } from './html.ts';
import { createHtmlProcessor, createStringifier, type HtmlProcessor, type Stringifier } from './markdown.ts';
import { keepOriginal, type OriginalPlan, type OriginalRecord, planOriginal } from './original.ts';
import { extractText } from './text.ts';
import type { Extracted, ImportMeta } from './types.ts';
import { FileExistsError, renderArticle, slugFor, writeAtomic } from './write.ts';

export type { ImportMeta } from './types.ts';
export type { OriginalRecord } from './original.ts';
export { extractHtml } from './html.ts';
export { extractText } from './text.ts';

export interface ImportOptions {
  /** Folder to write the articles into (relative to `cwd`). */
  out: string;
  /** Work out everything, write nothing. */
  dryRun?: boolean;
  /** Replace articles that already exist. */
  force?: boolean;
  /** Base for relative paths; default: the process's working directory. */
  cwd?: string;
  /** When the import happens, for the originals' records; default: now. */
  now?: Date;
}

export interface ImportedFile {
  /** Absolute path of the input. */
  input: string;
  /** Absolute path of the Markdown file (written, or that would be written). */
  output: string;
  kind: 'html' | 'text';
  /** Encoding the input was read in: `utf-8`, `GB18030`, `Big5`, … */
  encoding: string;
  meta: ImportMeta;
  /** The whole file: front matter and body. */
  markdown: string;
  /** The body alone, as Markdown. */
  body: string;
  /** The imported file kept as it was (written to `_originals/` with the article). */
  original: OriginalRecord;
  /** Lines left out of the body (furniture, or moved into the front matter), as written. */
  dropped: string[];
  written: boolean;
}

export interface ImportResult {
  /** No input failed. */
  ok: boolean;
  /** The inputs that were imported, in the order given. */
  files: ImportedFile[];
  /** Errors (an input that was not imported) and warnings (something to check), each naming its input. */
  diagnostics: Diagnostic[];
}

export async function importFiles(files: string[], options: ImportOptions): Promise<ImportResult> {
  const cwd = options.cwd ?? process.cwd();
  const out = path.resolve(cwd, options.out);
  const force = options.force ?? false;
  const now = options.now ?? new Date();
  const processors = { html: createHtmlProcessor(), stringify: createStringifier() };
  const result: ImportResult = { ok: true, files: [], diagnostics: [] };
  const planned = new Set<string>();
  const errorFor = (input: string) => (rule: string, message: string) => {
    result.ok = false;
    result.diagnostics.push({ severity: 'error', file: input, rule, message });
  };
  const failed = (input: string, e: unknown) => {
    const error = errorFor(input);
    if (e instanceof FileExistsError) error('import-exists', e.message);
    else if (e instanceof RangeError) error('import-failed', `Cannot import the file: its HTML is nested too deeply to read (${e.message}); save the page again or copy its text into a .txt file`);
    else error('import-failed', `Cannot import the file: ${(e as Error).message}`);
  };

  // 1. Every input read and turned into an article, nothing written yet.
  const plans: { file: ImportedFile; original: OriginalPlan }[] = [];
  for (const given of files) {
    const input = path.resolve(cwd, given);
    const error = errorFor(input);
    try {
      const imported = await importOne(input, processors);
      if ('error' in imported) {
        error(imported.rule, imported.error);
        continue;
      }
      const { extracted, kind, encoding, bytes } = imported;
      let slug = slugFor(extracted.meta.title, input);
      for (let n = 2; planned.has(slug); n++) slug = `${slugFor(extracted.meta.title, input)}-${n}`;
      const output = path.join(out, `${slug}.md`);
      if (!force && (await exists(output))) {
        error('import-exists', new FileExistsError(output).message);
        continue;
      }
      planned.add(slug);
      const original = planOriginal({ out, slug, input, bytes, kind, encoding, source: extracted.meta.source, now });
      extracted.meta.original = original.record.file;
      const body = processors.stringify.stringify(extracted.body);
      const markdown = renderArticle(extracted.meta, body);
      for (const w of extracted.warnings) result.diagnostics.push({ severity: 'warning', file: input, rule: w.rule, message: w.message });
      plans.push({ file: { input, output, kind, encoding, meta: extracted.meta, markdown, body, dropped: extracted.dropped, original: original.record, written: false }, original });
    } catch (e) {
      failed(input, e);
    }
  }

  // 2. The same article twice: among the inputs, or an input and an article already in the folder.
  await reportImportDuplicates(plans.map((p) => p.file), out, cwd, result.diagnostics);

  // 3. The original kept first, then the article that points at it.
  for (const { file, original } of plans) {
    try {
      if (!options.dryRun) {
        await keepOriginal(original, force);
        await writeAtomic(file.output, file.markdown, force);
        file.written = true;
      }
      result.files.push(file);
    } catch (e) {
      failed(file.input, e);
    }
  }
  return result;
}

/**
 * A warning for each imported article that is the same as another input or
 * as an article already in the folder (src/duplicates/: the same source once
 * normalised, or nearly the same text), naming both and how alike they are.
 */
async function reportImportDuplicates(files: ImportedFile[], out: string, cwd: string, diagnostics: Diagnostic[]): Promise<void> {
  if (!files.length) return;
  const replaced = new Set(files.map((f) => f.output));
  const existing: DuplicateCandidate[] = [];
  if (await exists(out)) {
    for (const file of await findArticles(out)) {
      if (replaced.has(file)) continue;
      const text = decode(await readFile(file)).text;
      const { yaml, body } = splitFrontMatter(text);
      // Front matter with problems (the build reports them) still has its text compared.
      const source = yaml === undefined ? undefined : parseFrontMatter(yaml, file).data?.source;
      existing.push({ name: file, source, text: body });
    }
  }
  const candidates = [...existing, ...files.map((f) => ({ name: f.output, source: f.meta.source, text: f.body }))];
  const rel = (file: string) => {
    const r = path.relative(cwd, file);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file;
  };
  for (const d of findDuplicates(candidates)) {
    if (d.second < existing.length) continue;
    const imported = files[d.second - existing.length]!;
    const other = candidates[d.first]!;
    const what = d.first < existing.length ? 'the article' : 'the import';
    const why = d.kind === 'source' ? `come from the same source (${d.source})` : `have nearly the same text (${percent(d.similarity)} alike, not counting spacing, punctuation and Traditional or Simplified characters)`;
    diagnostics.push({
      severity: 'warning',
      file: imported.input,
      rule: 'import-duplicate',
      message: `Duplicate article: ${rel(imported.output)} and ${what} ${rel(other.name)} ${why}; keep one of them`,
    });
  }
}

type Imported = { extracted: Extracted; kind: 'html' | 'text'; encoding: string; bytes: Uint8Array } | { error: string; rule: string };

async function importOne(input: string, processors: { html: HtmlProcessor; stringify: Stringifier }): Promise<Imported> {
  const ext = path.extname(input).toLowerCase();
  if (ext === '.mht' || ext === '.mhtml') {
    return { rule: 'import-format', error: 'Web archives (.mht, .mhtml) are not supported: save the page as "Webpage, HTML only" (.html) and import that' };
  }
  if (ext === '.md' || ext === '.markdown') {
    return { rule: 'import-format', error: 'The file is Markdown already: copy it into the articles folder instead of importing it' };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { rule: 'import-read', error: code === 'ENOENT' ? 'No such file' : code === 'EISDIR' ? 'Is a folder, expected a file' : `Cannot read the file: ${(e as Error).message}` };
  }
  const decoded = decode(bytes);
  const isHtml = ['.html', '.htm', '.xhtml', '.shtml'].includes(ext) || (!['.txt', '.text'].includes(ext) && /^\s*(?:<!doctype html|<html|<head|<body|<!--)/i.test(decoded.text.slice(0, 1000)));
  let { text, encoding } = decoded;
  if (isHtml && decoded.guessed) {
    // Not UTF-8: the page's own <meta charset> beats a guess.
    const declared = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(bytes.subarray(0, 4096).toString('latin1'))?.[1];
    const name = declared && /^(gb2312|gbk|x-gbk)$/i.test(declared) ? 'GB18030' : declared;
    if (name && !/^utf-?8$/i.test(name) && iconv.encodingExists(name)) {
      text = iconv.decode(bytes, name).replace(/\r\n?/g, '\n');
      encoding = name;
    }
  }
  if (!text.trim()) return { rule: 'import-empty', error: 'The file is empty' };

  const extracted = isHtml ? await extractHtml(text, { encoding, processor: processors.html }) : extractText(text, { encoding });
  if (!extracted.body.children.length) {
    return { rule: 'import-empty', error: isHtml ? 'Found no article text in the page' : 'Found no article text after the header lines' };
  }
  if (!extracted.meta.title) {
    extracted.meta.title = path.basename(input).replace(/\.[^.]+$/, '');
    if (isHtml) extracted.warnings.push({ rule: 'import-title', message: `The page has no title; used the file name "${extracted.meta.title}"` });
  }
  return { extracted, kind: isHtml ? 'html' : 'text', encoding, bytes };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
