/** What the EPUB chapter plugins read from and leave on `vfile.data` for each chapter. */

declare module 'vfile' {
  interface DataMap {
    /** The article's ids and the EPUB ids they become (ids.ts `idMapFor`, made for the whole book first). */
    epubIds: ReadonlyMap<string, string>;
    /** What an image the EPUB cannot show says when it has no alt text (in the article's language). */
    epubImageLabel: string;
    /** How many images the chapter shows, and how many of them lack alt text. */
    epubImages: { shown: number; withoutAlt: number };
  }
}

export {};
