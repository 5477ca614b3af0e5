/**
 * Bibliography files to CSL items by citation key: CSL-JSON (`.json`, an
 * array of items as Zotero and Pandoc write it) or BibTeX/BibLaTeX (`.bib`,
 * read by citation-js). An item without a `language` gets one from its
 * title (Chinese when it has Han characters), which GB/T 7714 needs to
 * write "等" or "et al.". A file that cannot be read is a warning naming it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';

export type CslItem = Record<string, unknown> & { id: string; title?: string; language?: string };

export type Loaded = { items: Map<string, CslItem> } | { problem: string };

/** BibLaTeX `langid` values to language tags. */
const LANGIDS: Readonly<Record<string, string>> = { chinese: 'zh-CN', english: 'en-US', american: 'en-US', british: 'en-GB', japanese: 'ja-JP', german: 'de-DE', french: 'fr-FR' };

export async function readBibliography(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `no file at ${file}` : (error as Error).message };
  }
  let list: CslItem[];
  try {
    if (/\.json$/i.test(file)) {
      const data = JSON.parse(text) as unknown;
      list = (Array.isArray(data) ? data : [data]) as CslItem[];
      if (list.some((i) => !i || typeof i !== 'object' || typeof i.id !== 'string' && typeof i.id !== 'number')) return { problem: 'expected CSL-JSON: an array of items, each with an `id`' };
    } else if (/\.(bib|bibtex)$/i.test(file)) {
      list = (new Cite(text, { forceType: '@biblatex/text' } as never).data as CslItem[]).map(({ _graph: _, ...item }) => item as CslItem);
    } else {
      return { problem: `unexpected file type \`${path.extname(file) || path.basename(file)}\`: expected CSL-JSON (.json) or BibTeX (.bib)` };
    }
  } catch (error) {
    return { problem: `cannot read it as ${/\.json$/i.test(file) ? 'CSL-JSON' : 'BibTeX'}: ${(error as Error).message.split('\n')[0]}` };
  }
  const items = new Map<string, CslItem>();
  for (const raw of list) {
    const item: CslItem = { ...raw, id: String(raw.id) };
    const lang = typeof item.language === 'string' ? (LANGIDS[item.language.toLowerCase()] ?? item.language) : /\p{Script=Han}/u.test(JSON.stringify([item.title, item.author])) ? 'zh-CN' : 'en-US';
    item.language = lang;
    items.set(item.id, item);
  }
  return { items };
}
