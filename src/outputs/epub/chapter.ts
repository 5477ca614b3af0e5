/**
 * The EPUB chapter processor: turns an article's resolved tree into the
 * body of an EPUB 3 chapter that the EPUB 3 XHTML schema accepts, with one
 * rehype plugin per rule and a sanitize schema for the attributes, built
 * once per book; and the chapter's document around that body.
 *
 * The order matters. Before the sanitizer run the rules that read what it
 * removes (footnotes' `data-*`, `align`), that change a figure's text (the
 * repeated alt text goes before images become text), and the renames (the
 * allow-list is the new element's). After it run the rules on the
 * attributes kept: addresses made valid, then ids (a `#fragment` link
 * follows its target's new id), then the links left without a target, or
 * inside another link, become text.
 */
import type { Root } from 'hast';
import rehypeSanitize from 'rehype-sanitize';
import { unified } from 'unified';
import { VFile } from 'vfile';
import rehypeEpubAddresses from './addresses.ts';
import rehypeEpubClasses from './classes.ts';
import './data.ts';
import rehypeEpubFigureCaptions from './figure-captions.ts';
import rehypeEpubFootnotes from './footnotes.ts';
import rehypeEpubIds from './ids.ts';
import rehypeEpubImageFallbacks from './image-fallbacks.ts';
import rehypeEpubLinks from './links.ts';
import rehypeEpubRenames from './renames.ts';
import { epubSchema } from './schema.ts';
import { BODY_SLOT, collectXhtml, type TextSink } from './text.ts';
import { toXml, xmlChars } from './xml.ts';

export function createChapterProcessor() {
  return unified()
    .use(rehypeEpubFootnotes)
    .use(rehypeEpubFigureCaptions)
    .use(rehypeEpubImageFallbacks)
    .use(rehypeEpubRenames)
    .use(rehypeEpubClasses)
    .use(rehypeSanitize, epubSchema)
    .use(rehypeEpubAddresses)
    .use(rehypeEpubIds)
    .use(rehypeEpubLinks)
    .freeze();
}

export type ChapterProcessor = ReturnType<typeof createChapterProcessor>;

export interface ChapterOptions {
  /** The article's id map (ids.ts `idMapFor` on its tree). */
  ids: ReadonlyMap<string, string>;
  /** What an image the EPUB cannot show says when it has no alt text. */
  imageLabel: string;
}

export interface PreparedChapter {
  tree: Root;
  /** How many images the chapter shows, and how many of them lack alt text. */
  images: number;
  imagesWithoutAlt: number;
}

/** Runs the chapter processor over a resolved tree (a copy: `resolveTree` clones; it is changed). */
export function prepareChapter(processor: ChapterProcessor, tree: Root, options: ChapterOptions): PreparedChapter {
  const file = new VFile({ data: { epubIds: options.ids, epubImageLabel: options.imageLabel } });
  const body = processor.runSync(tree, file);
  const images = file.data.epubImages ?? { shown: 0, withoutAlt: 0 };
  return { tree: body, images: images.shown, imagesWithoutAlt: images.withoutAlt };
}

/**
 * The chapter's XHTML: `shell`, the chapter template rendered with
 * `BODY_SLOT` as its content, with the body written in; the characters of
 * both, in their styles, go to the planner.
 */
export function chapterDocument(shell: string, body: Root, planner: TextSink): string {
  collectXhtml(xmlChars(shell), planner, body);
  const content = toXml(body);
  return xmlChars(shell.replaceAll(BODY_SLOT, () => content));
}
