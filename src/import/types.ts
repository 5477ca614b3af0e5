/** What the importers produce, before it is written as a Markdown file. */
import type { Root } from 'mdast';
import type { MetaLine } from './lines.ts';

/** Front matter of an imported article, in the order it is written. */
export interface ImportMeta {
  title?: string;
  subtitle?: string;
  authors: string[];
  /** `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS±HH:MM` when the time and its zone are known. */
  date?: string;
  /** The article's address (http or https). */
  source?: string;
  /** Where the article first appeared, from a byline (`本文转自 Z`, `X 发布在 Y`, `本文来自微信公众号“Z”`). */
  publisher?: string;
  tags: string[];
  /** BCP 47: `zh-CN`, `zh-TW`, `en`, … */
  lang: string;
  summary?: string;
  /** The imported file as it was read, relative to the articles folder (`_originals/<slug>.html`; see original.ts). */
  original?: string;
}

export interface Extracted {
  meta: ImportMeta;
  /** The article body (without its title). */
  body: Root;
  /** Lines and blocks left out as page furniture or moved into the front matter, as they were written. */
  dropped: string[];
  /** Things the user should check (an image that could not be kept, no title found…). */
  warnings: { rule: string; message: string }[];
}

declare module 'vfile' {
  interface DataMap {
    /** Absolute address that relative links and images of an imported page resolve against. */
    importBase: string;
    /** Blocks an import plugin left out, as text. */
    importDropped: string[];
    /** Names of the article's authors, so a leftover byline in the body is recognised. */
    importAuthors: string[];
    /** What the bylines, reprint notices and source lines left out of the body say (lines.ts `readMetaLine`). */
    importMeta: MetaLine[];
  }
}
