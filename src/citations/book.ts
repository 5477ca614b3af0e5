/**
 * The book's citations: its style (the config's `csl`, else the default for
 * its language) and bibliographies (the config's `bibliography`, plus each
 * article's own, whose entries win for its citations), read once per build.
 * Problems with them are reported where they are written: the config, or
 * the article's front matter.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashOf } from '../cache.ts';
import type { Diagnostics } from '../diagnostics.ts';
import { isInside } from '../paths.ts';
import type { Article, Book } from '../types.ts';
import { type CslItem, type Loaded, readBibliography } from './bibliography.ts';
import { DEFAULT_STYLES, isStyleFile, namedStyle } from './styles.ts';

export interface ArticleCitations {
  style: unknown;
  lang: string;
  items: Map<string, CslItem>;
}

export class BookCitations {
  private readonly files = new Map<string, Promise<Loaded>>();
  private bookItems: Map<string, CslItem> | undefined;
  private style: { style: unknown; lang: string } | undefined;

  constructor(
    private readonly book: Book,
    private readonly diagnostics: Diagnostics,
  ) {}

  /** The style and the entries an article's citations are formatted with. */
  async forArticle(article: Article): Promise<ArticleCitations> {
    this.style ??= await this.loadStyle();
    this.bookItems ??= await this.collect(
      (this.book.config.bibliography ?? []).map((p) => path.resolve(this.book.config.base, p)),
      this.book.config.file,
      'config-bibliography',
    );
    const own = (article.bibliography ?? []).map((p) => path.resolve(path.dirname(article.file), p));
    const inside = own.filter((file) => {
      if (isInside(this.book.root, file)) return true;
      this.diagnostics.warn('bibliography-outside-root', `Unexpected bibliography ${file} outside the articles folder: it is not read. Move it into the articles folder`, { file: article.file });
      return false;
    });
    const items = inside.length ? new Map([...this.bookItems, ...(await this.collect(inside, article.file, 'bibliography'))]) : this.bookItems;
    return { ...this.style, items };
  }

  private async collect(files: string[], owner: string | undefined, rule: string): Promise<Map<string, CslItem>> {
    const all = new Map<string, CslItem>();
    for (const file of files) {
      let loading = this.files.get(file);
      if (!loading) this.files.set(file, (loading = readBibliography(file)));
      const loaded = await loading;
      if ('problem' in loaded) {
        // Each file's problem once, at whoever names it first.
        if (!this.reported.has(file)) this.diagnostics.warn(rule, `Cannot use the bibliography ${file}: ${loaded.problem}; its citations are shown as written`, { file: owner });
        this.reported.add(file);
        continue;
      }
      for (const [key, item] of loaded.items) all.set(key, item);
    }
    return all;
  }

  private readonly reported = new Set<string>();

  private async loadStyle(): Promise<{ style: unknown; lang: string }> {
    const config = this.book.config;
    const zh = /^zh\b/i.test(config.lang ?? '');
    const lang = zh ? 'zh-CN' : config.lang && /^en\b/i.test(config.lang) ? config.lang : 'en-US';
    const fallback = () => ({ style: namedStyle(zh ? DEFAULT_STYLES.zh : DEFAULT_STYLES.other)!, lang });
    const wanted = config.csl;
    if (!wanted) return fallback();
    if (isStyleFile(wanted)) {
      const file = path.resolve(config.base, wanted);
      try {
        const xml = await readFile(file, 'utf8');
        if (!/<style\b/.test(xml)) throw new Error('it is not a CSL style (no <style> element)');
        return { style: xml.replace(/^\uFEFF/, ''), lang };
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no file at ${file}` : (error as Error).message;
        this.diagnostics.warn('config-csl', `Cannot use the citation style \`${wanted}\`: ${reason}; using the default style`, { file: config.file });
        return fallback();
      }
    }
    const style = namedStyle(wanted);
    if (style) return { style, lang };
    this.diagnostics.warn('config-csl', `Unknown citation style \`${wanted}\`: expected a CSL file (ending in .csl) or the id of a style of the CSL repository, such as "apa" or "chicago-author-date"; using the default style`, {
      file: config.file,
    });
    return fallback();
  }
}

/** The bytes of every bibliography and style file the book names, for the build's "up to date" key. */
export async function citationSourcesKey(book: Book): Promise<string> {
  const config = book.config;
  const files = [
    ...(config.bibliography ?? []).map((p) => path.resolve(config.base, p)),
    ...(config.csl && isStyleFile(config.csl) ? [path.resolve(config.base, config.csl)] : []),
    ...book.articles.flatMap((a) => (a.bibliography ?? []).map((p) => path.resolve(path.dirname(a.file), p))),
  ];
  const parts = await Promise.all(files.map(async (f) => [f, await readFile(f).then(hashOf, () => 'missing')].join('\0')));
  return hashOf(...parts);
}
