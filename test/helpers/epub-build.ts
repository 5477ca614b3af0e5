/** Builds an EPUB fixture (test/fixtures/epub-*) the way the build does, in memory where it can. */
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BookConfig, loadConfig } from '../../src/config.ts';
import { loadBook } from '../../src/content/load.ts';
import { Diagnostics } from '../../src/diagnostics.ts';
import { SharedBrowser } from '../../src/browser/pool.ts';
import { verticalBook } from '../../src/editions/vertical.ts';
import { finishBook } from '../../src/finish.ts';
import { writeEpub } from '../../src/outputs/epub.ts';
import { silentProgress } from '../../src/progress.ts';
import { loadTemplates } from '../../src/templates.ts';
import type { Book } from '../../src/types.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
export const TEMPLATES = path.resolve(import.meta.dirname, '..', '..', 'templates');

export interface BuiltEpub {
  file: string;
  bytes: Buffer;
  book: Book;
  diagnostics: Diagnostics;
}

/**
 * Loads `test/fixtures/<name>` (its book.config.yaml, then its articles),
 * finishes them as the build does, writes the EPUB into a new temporary folder and reads it back.
 * `sourceDateEpoch` is set for the build only (undefined: unset).
 */
export async function buildEpubFixture(
  name: string,
  options: { sourceDateEpoch?: string; config?: (config: BookConfig) => BookConfig } = {},
): Promise<BuiltEpub> {
  const dir = path.join(FIXTURES, name);
  const diagnostics = new Diagnostics();
  const { config: loaded, diagnostics: problems } = await loadConfig(dir);
  for (const d of problems) diagnostics.add(d);
  if (!loaded) throw new Error(`fixture ${name}: ${problems.map((d) => d.message).join('; ')}`);
  const config = options.config ? options.config(loaded) : loaded;
  const source = await loadBook({ config, root: path.resolve(config.base, config.articles), diagnostics });
  if (!source) throw new Error(`fixture ${name}: ${diagnostics.report().join('; ')}`);
  const outDir = await mkdtemp(path.join(tmpdir(), `anthology-${name}-`));
  await mkdir(outDir, { recursive: true });
  const saved = process.env.SOURCE_DATE_EPOCH;
  if (options.sourceDateEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = options.sourceDateEpoch;
  try {
    const templates = await loadTemplates(TEMPLATES);
    const browser = new SharedBrowser(config);
    // As src/build.ts does: words in each article's language, citations and diagrams, then the vertical edition's numbers.
    const { book, written } = await (async () => {
      const finished = verticalBook(await finishBook(source, { templates, diagnostics, browser }));
      const [epub] = await writeEpub({ book: finished, templates, outDir, diagnostics, progress: silentProgress, files: new Map() }, { browser });
      return { book: finished, written: epub };
    })().finally(() => browser.close());
    const file = path.join(outDir, written!.path);
    return { file, bytes: await readFile(file), book, diagnostics };
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}
