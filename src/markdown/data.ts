/** What our plugins read from and leave on `vfile.data` for each article. */
import type { HashedAsset } from '../assets/files.ts';
import type { Asset, Heading } from '../types.ts';

export interface ArticleLinkTarget {
  slug: string;
}

/** Facts about the whole book that one article's processing needs. */
export interface BookContext {
  /** Absolute path of the articles folder: nothing outside it is read. */
  root: string;
  /** Articles by path relative to `root` (with `/`), for links between them. */
  articles: ReadonlyMap<string, ArticleLinkTarget>;
  /** Shared cache of hashed assets by absolute path, so each file is read once. */
  assets: Map<string, Promise<HashedAsset | Error>>;
  /** The config's `typography` (default: Chinese punctuation made full-width). */
  typography?: { punctuation: 'fullwidth' | 'keep' };
}

declare module 'vfile' {
  interface DataMap {
    book: BookContext;
    /** The title from front matter, if any. */
    frontMatterTitle: string;
    /** The title taken from the first `# ` heading. */
    headingTitle: string;
    lang: string;
    headings: Heading[];
    assets: Asset[];
    remoteImages: number;
    /** ASCII punctuation marks in Chinese text made full-width. */
    fullwidthPunctuation: number;
  }
}
