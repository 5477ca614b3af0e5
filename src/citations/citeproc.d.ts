/** The part of citeproc-js (the `citeproc` package, CommonJS) that src/citations/format.ts uses. */
declare module 'citeproc' {
  interface Sys {
    retrieveLocale(lang: string): unknown;
    retrieveItem(id: string): unknown;
  }
  interface Citation {
    citationID: string;
    citationItems: Record<string, unknown>[];
    properties: { noteIndex: number };
  }
  class Engine {
    constructor(sys: Sys, style: unknown, lang?: string, forceLang?: boolean);
    opt: { development_extensions: Record<string, boolean> };
    updateItems(ids: string[]): void;
    processCitationCluster(citation: Citation, pre: [string, number][], post: [string, number][]): [unknown, [number, string, string][]];
    previewCitationCluster(citation: Citation, pre: [string, number][], post: [string, number][], format: string): string;
    makeBibliography(): false | [{ entry_ids: string[][]; hangingindent?: number; 'second-field-align'?: string | false }, string[]];
  }
  const CSL: { Engine: typeof Engine };
  export default CSL;
}
