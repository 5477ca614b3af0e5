/** The EPUB's "Sources and permissions" back matter (src/provenance/sources.ts): one document after the chapters, or none. */
import { sourceEntries, sourcesLabels } from '../../provenance/sources.ts';
import type { BookView, Labels, Templates } from '../../templates.ts';
import type { Book } from '../../types.ts';
import { xmlChars } from './xml.ts';

export const SOURCES_FILE = 'sources.xhtml';

export async function sourcesDocument(
  book: Book,
  templates: Templates,
  view: BookView,
  labelsFor: (lang: string) => Labels,
  stylesheet: string,
): Promise<{ filename: string; title: string; xhtml: string } | undefined> {
  const entries = sourceEntries(book, labelsFor);
  if (!entries.length) return undefined;
  const sources = { ...sourcesLabels(labelsFor(view.lang), view.lang), entries };
  const xhtml = xmlChars(await templates.render('epub/sources', { book: view, stylesheet, sources }));
  return { filename: SOURCES_FILE, title: sources.title, xhtml };
}
