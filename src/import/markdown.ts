/**
 * The two processors of an import run, each built once and reused for every
 * file: HTML → a Markdown tree (mdast) through our clean-up plugins, and a
 * Markdown tree → Markdown text (GFM: tables, strikethrough).
 */
import type { Root as MdastRoot } from 'mdast';
import rehypeParse from 'rehype-parse';
import rehypeRemark from 'rehype-remark';
import remarkGfm from 'remark-gfm';
import remarkStringify, { type Options as StringifyOptions } from 'remark-stringify';
import { unified } from 'unified';
import rehypeImportFigures from './plugins/figures.ts';
import rehypeImportFurniture from './plugins/furniture.ts';
import remarkImportHeadingLevels from './plugins/heading-levels.ts';
import rehypeImportImages from './plugins/images.ts';
import rehypeImportLinks from './plugins/links.ts';
import rehypeImportQuotedHeadings from './plugins/quoted-headings.ts';
import rehypeImportWhitespace from './plugins/whitespace.ts';
import './types.ts';

export function createHtmlProcessor() {
  return unified()
    .use(rehypeParse, { fragment: true })
    .use(rehypeImportImages)
    .use(rehypeImportLinks)
    .use(rehypeImportFigures)
    .use(rehypeImportFurniture)
    .use(rehypeImportQuotedHeadings)
    .use(rehypeImportWhitespace)
    .use(rehypeRemark)
    .use(remarkImportHeadingLevels)
    .freeze();
}

export type HtmlProcessor = ReturnType<typeof createHtmlProcessor>;

const STRINGIFY: StringifyOptions = {
  bullet: '-',
  emphasis: '*',
  strong: '*',
  fence: '`',
  fences: true,
  rule: '-',
  listItemIndent: 'one',
  resourceLink: true,
};

export function createStringifier() {
  return unified().use(remarkGfm).use(remarkStringify, STRINGIFY).freeze();
}

export type Stringifier = ReturnType<typeof createStringifier>;

export function toMarkdown(stringifier: Stringifier, tree: MdastRoot): string {
  return stringifier.stringify(tree);
}
