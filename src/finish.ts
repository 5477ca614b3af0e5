/**
 * The articles finished once the whole book is known, in the main thread
 * after loading (articles may have been processed in worker threads, and
 * from the cache): the words the processor left to the build written in
 * each article's language (src/markdown/labels.ts), citations formatted with
 * the book's style and bibliographies (src/citations/), and Mermaid diagrams
 * rendered as SVG in the build's browser (src/diagrams/). A loaded article
 * is never changed: an article that needs any of this is replaced by a
 * finished copy.
 */
import type { Element, Root } from 'hast';
import type { SharedBrowser } from './browser/pool.ts';
import type { Cache } from './cache.ts';
import { BookCitations } from './citations/book.ts';
import { formatCitations } from './citations/format.ts';
import { DiagramRenderer, diagramElement } from './diagrams/render.ts';
import type { Diagnostics } from './diagnostics.ts';
import { writeLabels } from './markdown/labels.ts';
import type { Templates } from './templates.ts';
import type { Article, Book } from './types.ts';

export interface FinishOptions {
  templates: Templates;
  diagnostics: Diagnostics;
  /** The build's browsers, for the diagrams; never launched here unless a diagram needs rendering. */
  browser: SharedBrowser;
  cache?: Cache;
  signal?: AbortSignal;
}

interface Marks {
  labels: boolean;
  citations: boolean;
  diagrams: Element[];
}

export async function finishBook(book: Book, options: FinishOptions): Promise<Book> {
  const citations = new BookCitations(book, options.diagnostics);
  const renderer = new DiagramRenderer(options.browser, options.cache);
  const noBrowser = { reported: false };
  try {
    const articles: Article[] = [];
    for (const article of book.articles) {
      options.signal?.throwIfAborted();
      const marks = marksOf(article.tree);
      if (!marks.labels && !marks.citations && !marks.diagrams.length) {
        articles.push(article);
        continue;
      }
      articles.push(await finishArticle(book, article, marks, { ...options, citations, renderer, noBrowser }));
    }
    return { ...book, articles };
  } finally {
    await renderer.close();
  }
}

interface ArticleOptions extends FinishOptions {
  citations: BookCitations;
  renderer: DiagramRenderer;
  noBrowser: { reported: boolean };
}

async function finishArticle(book: Book, article: Article, marks: Marks, options: ArticleOptions): Promise<Article> {
  const tree = structuredClone(article.tree);
  const labels = options.templates.labels(article.lang);
  const headings = [...article.headings];
  if (marks.citations) {
    const { style, lang, items } = await options.citations.forArticle(article);
    const formatted = formatCitations(tree, {
      style,
      lang,
      items,
      heading: labels.references ?? 'References',
      report: (p) => options.diagnostics.warn('citation-unknown', p.message, { file: article.file, line: p.line, column: p.column }),
    });
    if (formatted.heading) headings.push({ depth: 2, text: formatted.heading.text, id: formatted.heading.id });
  }
  if (marks.labels) writeLabels(tree, { labels, numbering: book.config.numbering });
  if (marks.diagrams.length) await renderDiagrams(tree, article, options);
  return { ...article, tree, headings };
}

/** Each ```mermaid block of the tree becomes its SVG figure, or stays code with a warning. */
async function renderDiagrams(tree: Root, article: Article, options: ArticleOptions): Promise<void> {
  for (const pre of marksOf(tree).diagrams) {
    const source = codeText(pre);
    const line = Number(pre.properties.dataLine) || undefined;
    delete pre.properties.dataDiagram;
    delete pre.properties.dataLine;
    let rendered;
    try {
      rendered = await options.renderer.render(source);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      if (!options.noBrowser.reported) {
        options.noBrowser.reported = true;
        options.diagnostics.warn(
          'diagram-browser',
          `Cannot render diagrams without a browser (${(error as Error).message.split('\n')[0]}); their code is shown instead. Install Chrome or Chromium (npm run setup) to get them as pictures`,
          { file: article.file, line },
        );
      }
      continue;
    }
    if ('error' in rendered) {
      options.diagnostics.warn('diagram-invalid', `Cannot draw the Mermaid diagram: ${rendered.error}; its code is shown instead. Fix its syntax`, {
        file: article.file,
        line: line && (rendered.line ? line + rendered.line : line),
        column: 1,
      });
      continue;
    }
    const svg = diagramElement(rendered, source);
    const figure = parentOf(tree, pre);
    if (!figure) continue;
    const { parent, index } = figure;
    if (parent.type === 'element' && parent.tagName === 'figure') {
      parent.properties.className = [...(Array.isArray(parent.properties.className) ? parent.properties.className : []), 'diagram'];
      parent.children[index] = svg;
    } else parent.children[index] = { type: 'element', tagName: 'figure', properties: { className: ['diagram'] }, children: [svg] };
  }
}

function codeText(pre: Element): string {
  const text: string[] = [];
  const walk = (node: Element) => {
    for (const c of node.children) {
      if (c.type === 'text') text.push(c.value);
      else if (c.type === 'element') walk(c);
    }
  };
  walk(pre);
  return text.join('');
}

function parentOf(tree: Root, target: Element): { parent: Root | Element; index: number } | undefined {
  const stack: (Root | Element)[] = [tree];
  while (stack.length) {
    const node = stack.pop()!;
    const index = (node.children as unknown[]).indexOf(target);
    if (index >= 0) return { parent: node, index };
    for (const c of node.children) if (c.type === 'element') stack.push(c);
  }
  return undefined;
}

/** What in a tree waits for the build: words, citations, diagrams. */
function marksOf(tree: Root): Marks {
  const marks: Marks = { labels: false, citations: false, diagrams: [] };
  const stack: (Root | Element)[] = [tree];
  while (stack.length) {
    const node = stack.pop()!;
    for (const c of node.children) {
      if (c.type !== 'element') continue;
      const p = c.properties;
      if (p.dataLabel !== undefined) marks.labels = true;
      if (p.dataCites !== undefined) marks.citations = true;
      if (p.dataDiagram !== undefined) marks.diagrams.push(c);
      else stack.push(c);
    }
  }
  // Document order (the stack walked it backwards).
  marks.diagrams.reverse();
  return marks;
}
