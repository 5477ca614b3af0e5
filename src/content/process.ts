/**
 * One article's Markdown to an `Article`: the part of loading that is pure
 * and costly, so it can run in a worker thread and be cached. Problems are
 * returned, not reported, for the caller to merge in a stable order.
 */
import path from 'node:path';
import type { Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { VFile } from 'vfile';
import { type Diagnostic, fromVFileMessages } from '../diagnostics.ts';
import type { BookContext } from '../markdown/data.ts';
import { processMarkdown, type Processor } from '../markdown/processor.ts';
import type { Article } from '../types.ts';
import { articleCover } from './cover.ts';
import type { FrontMatter } from './frontmatter.ts';
import { guessLang } from './lang.ts';
import { provenanceOf } from '../provenance/provenance.ts';

/** An article file read and its front matter validated, before Markdown. */
export interface Source {
  file: string;
  path: string;
  body: string;
  meta: FrontMatter;
  slug: string;
  hash: string;
  /** Where some front matter values are written, for warnings found after parsing. */
  places?: { slug?: Place; cover?: Place; lang?: Place; source?: Place };
}

export interface Place {
  line: number;
  column: number;
}

export interface Processed {
  article?: Article;
  diagnostics: Diagnostic[];
}

export async function processSource(processor: Processor, source: Source, book: BookContext, bookLang: string | undefined): Promise<Processed> {
  const { meta } = source;
  const diagnostics: Diagnostic[] = [];
  const lang = meta.lang ?? guessLang(source.body) ?? bookLang ?? 'en';
  const file = new VFile({ path: source.file, value: source.body });
  file.data.book = book;
  file.data.lang = lang;
  if (meta.title !== undefined) file.data.frontMatterTitle = meta.title;
  const collect = () => diagnostics.push(...fromVFileMessages(source.file, file.messages));
  let tree: Root;
  try {
    tree = await processMarkdown(processor, file);
  } catch (error) {
    collect();
    const e = error as Error & { line?: number; column?: number };
    diagnostics.push({ severity: 'error', rule: 'markdown', message: `Cannot process the article: ${e.message}`, file: source.file, line: e.line, column: e.column });
    return { diagnostics };
  }
  collect();
  const cover = meta.cover === undefined ? undefined : await articleCover(meta.cover, source.file, book, source.places?.cover);
  if (cover) diagnostics.push(...cover.diagnostics);
  const assets = file.data.assets ?? [];
  if (cover?.asset && !assets.some((a) => a.name === cover.asset!.name)) assets.push(cover.asset);

  let title = meta.title ?? file.data.headingTitle;
  if (!title) {
    title = path.basename(source.file).replace(/\.(md|markdown)$/i, '');
    diagnostics.push({
      severity: 'warning',
      rule: 'title-missing',
      message: `The article has no title: add \`title:\` to its front matter or start it with a \`# Title\` line; using the file name "${title}"`,
      file: source.file,
      line: 1,
      column: 1,
    });
  }
  stripPositions(tree);
  return {
    diagnostics,
    article: {
      path: source.path,
      file: source.file,
      slug: source.slug,
      title,
      subtitle: meta.subtitle,
      authors: meta.author ?? [],
      date: meta.date,
      updated: meta.updated,
      source: meta.source,
      provenance: provenanceOf(meta),
      keep: meta.keep,
      tags: [...new Set(meta.tags ?? [])],
      lang,
      summary: meta.summary,
      excerpt: meta.summary ?? excerpt(tree),
      cover: cover?.asset?.name,
      bibliography: meta.bibliography,
      draft: meta.draft,
      order: meta.order,
      tree,
      headings: file.data.headings ?? [],
      assets,
      remoteImages: file.data.remoteImages ?? 0,
      fullwidthPunctuation: file.data.fullwidthPunctuation ?? 0,
      characters: toString(tree).length,
      hash: source.hash,
    },
  };
}

/**
 * Positions are needed only while the article is processed (for messages);
 * dropping them afterwards halves the tree that is cached and passed
 * around. Images keep theirs, for warnings of `--fetch-images`, and tables,
 * for the warning about a table too wide for the page.
 */
function stripPositions(tree: Root): void {
  const stack: unknown[] = [tree];
  while (stack.length) {
    const node = stack.pop() as { type: string; tagName?: string; position?: unknown; children?: unknown[] };
    if (!(node.type === 'element' && (node.tagName === 'img' || node.tagName === 'table'))) delete node.position;
    if (node.children) for (const c of node.children) stack.push(c);
  }
}

/** The first paragraph's text, cut at a sentence or word near 120 characters. */
function excerpt(tree: Root): string {
  for (const node of tree.children) {
    if (node.type !== 'element' || node.tagName !== 'p') continue;
    const text = toString(node).replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (text.length <= 120) return text;
    const cut = text.slice(0, 120);
    const stop = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('. '), cut.lastIndexOf('！'), cut.lastIndexOf('？'));
    return stop > 40 ? cut.slice(0, stop + 1) : cut.replace(/\s+\S*$/, '') + '…';
  }
  return '';
}
