/**
 * The data model shared by every stage: files become `Article`s, articles and
 * the book config become a `Book`, and each output is a function of the Book.
 */
import type { Root } from 'hast';
import type { BookConfig } from './config.ts';
import type { Provenance } from './provenance/provenance.ts';

/** A section heading inside an article, for tables of contents and bookmarks. */
export interface Heading {
  depth: number;
  text: string;
  id: string;
}

/** A local file (an image) that an article uses, copied into every output. */
export interface Asset {
  /** Absolute path of the source file, always inside the articles folder. */
  source: string;
  /** Output name, content-hashed: `images/<stem>-<hash>.<ext>`. */
  name: string;
  mediaType: string;
  /** Content hash (hex) of what outputs write. */
  hash: string;
  /**
   * The bytes to write when they differ from the file (SVG images, cleaned
   * of scripts and outside references). Read assets with `assetBytes()`.
   */
  content?: Buffer;
  /** Pixel size of a raster image, as its file says (none for SVG). */
  width?: number;
  height?: number;
}

export interface Article {
  /** Path relative to the articles folder, with `/` separators. */
  path: string;
  /** Absolute path of the Markdown file. */
  file: string;
  /** Unique, URL- and file-name-safe name: `<slug>.html`, `pdf/<slug>.pdf`. */
  slug: string;
  title: string;
  subtitle?: string;
  authors: string[];
  /** ISO dates, `YYYY-MM-DD` (or full ISO date-time when one was given). */
  date?: string;
  updated?: string;
  source?: string;
  /** Where and on what terms it first appeared (front matter; src/provenance/provenance.ts). */
  provenance?: Provenance;
  /** Words every edition keeps as written (`keep:` in the front matter; src/editions/). */
  keep?: string[];
  tags: string[];
  /** BCP 47 language tag: the article's own, else the book's. */
  lang: string;
  summary?: string;
  /** The summary, else the start of the first paragraph. */
  excerpt: string;
  /** The opener image (`cover:` in the front matter): the output name of one of `assets`. */
  cover?: string;
  /** Bibliography files of the article (`bibliography:` in its front matter), as written: relative to the article. */
  bibliography?: string[];
  draft: boolean;
  order?: number;
  /**
   * The body as a hast tree (the title heading removed). Links to other
   * articles carry `data-article-ref="<slug>"` (and keep their `#fragment` in
   * `data-article-fragment`); local images carry `data-asset="<asset name>"`;
   * remote images carry `data-remote-src`. Outputs resolve these with
   * `resolveTree()` (src/markdown/resolve.ts) rather than reading files.
   */
  tree: Root;
  headings: Heading[];
  /** Local assets the article uses, by output name. */
  assets: Asset[];
  /** Number of remote images (kept remote on the site, placeholders offline). */
  remoteImages: number;
  /** ASCII punctuation marks in its Chinese text made full-width (`typography.punctuation`). */
  fullwidthPunctuation: number;
  /** Plain-text length in characters, for summaries and statistics. */
  characters: number;
  /** Content hash of the source file, for caches. */
  hash: string;
}

export interface Book {
  config: BookConfig;
  /** Absolute path of the articles folder. */
  root: string;
  /** Articles in book order, drafts removed unless asked for. */
  articles: Article[];
  /** Every asset of every article, by output name. */
  assets: Map<string, Asset>;
  /** Tags in first-seen order with their articles (by slug). */
  tags: Map<string, { slug: string; articles: string[] }>;
}
