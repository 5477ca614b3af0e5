/**
 * Finds the text each EPUB document renders, and in which font style, for
 * subsetting: from the trees of the documents the EPUB will contain (each
 * chapter's body as the chapter processor left it, and what the templates
 * write around it and in the navigation, title page and cover page, parsed
 * as XML), and from the cover's HTML draft. Text runs are taken as a reading
 * system meets them: the characters between two tags, in the style of the
 * element they are in.
 *
 * The style rules here mirror templates/css/epub.css: which elements are
 * bold, italic or monospace, and that `lang` picks the Latin or CJK stack.
 * A character missed here still displays, from a later font of the stack or
 * the reader's own, so the mirror errs on the side of including.
 */
import type { Element as HastElement, Root as HastRoot } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import type { Element as XastElement, Root as XastRoot } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { classList } from './class-list.ts';
import type { FontPlanner, FontRole, TextStyle } from './fonts.ts';
import { xmlChars } from './xml.ts';

const BOLD = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'th', 'dt']);
const ITALIC = new Set(['em', 'i', 'cite', 'dfn', 'var']);
const MONO = new Set(['code', 'kbd', 'samp', 'pre']);
const BOLD_CLASSES = ['hljs-strong', 'summary'];
const ITALIC_CLASSES = ['hljs-comment', 'hljs-quote', 'hljs-emphasis'];
/** Elements whose text is never shown. */
const HIDDEN = new Set(['head', 'title', 'style', 'script']);

/** Stands for the chapter's body in the chapter template's output (its `content`). */
export const BODY_SLOT = '<anthology-chapter-body/>';
const BODY_SLOT_NAME = 'anthology-chapter-body';

export function roleForLang(lang: string): FontRole {
  return /^(zh|ja|ko)\b/i.test(lang) ? 'cjk' : 'latin';
}

/**
 * Adds the text of an XHTML document to the planner. `body` is the tree
 * that the document's `BODY_SLOT` stands for, written where the slot is.
 */
export function collectXhtml(xhtml: string, planner: TextSink, body?: HastRoot): void {
  let tree: XastRoot;
  try {
    tree = fromXml(xhtml);
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`Unexpected XHTML that is not well-formed XML, from an EPUB template: ${reason}\nReading systems parse EPUB documents as XML: the templates of templates/epub/ must write it.`, { cause: error });
  }
  const runs = new TextRuns(planner);
  walkXml(tree, runs, body);
  runs.flush();
}

/** Adds the text of an HTML document (the cover's draft, which Chromium renders) to the planner. */
export function collectText(html: string, planner: TextSink): void {
  const runs = new TextRuns(planner);
  walkHast(unified().use(rehypeParse).parse(xmlChars(html)), runs);
  runs.flush();
}

/** Text of the `content: "…"` strings of a stylesheet (generated text the readers draw). */
export function generatedText(css: string): string {
  return [...css.matchAll(/content:\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))).join('');
}

/** Where the text goes: a FontPlanner. */
export type TextSink = Pick<FontPlanner, 'add'>;

interface Frame {
  style: TextStyle;
  hidden: boolean;
}

/** The runs of text of one document, each added to the planner in its element's style. */
class TextRuns {
  private readonly frames: Frame[] = [{ style: { role: 'latin', bold: false, italic: false }, hidden: false }];
  private run = '';

  constructor(private readonly planner: TextSink) {}

  text(value: string): void {
    this.run += value;
  }

  /** Ends the current run: a tag, a comment or a CDATA section does. */
  flush(): void {
    const top = this.frames[this.frames.length - 1]!;
    if (!top.hidden && this.run.trim()) this.planner.add(top.style, this.run);
    this.run = '';
  }

  open(tag: string, lang: string | undefined, classes: readonly string[], hidden: boolean): void {
    this.flush();
    const parent = this.frames[this.frames.length - 1]!;
    const name = tag.toLowerCase();
    const style: TextStyle = {
      role: name === 'math' ? 'math' : lang !== undefined ? roleForLang(lang) : MONO.has(name) ? 'mono' : parent.style.role,
      bold: parent.style.bold || BOLD.has(name) || classes.some((c) => BOLD_CLASSES.includes(c)),
      italic: parent.style.italic || ITALIC.has(name) || classes.some((c) => ITALIC_CLASSES.includes(c)),
    };
    this.frames.push({ style, hidden: parent.hidden || HIDDEN.has(name) || hidden });
  }

  close(): void {
    this.flush();
    if (this.frames.length > 1) this.frames.pop();
  }
}

function walkXml(parent: XastRoot | XastElement, runs: TextRuns, body: HastRoot | undefined): void {
  for (const node of parent.children) {
    if (node.type === 'text') {
      runs.text(node.value);
    } else if (node.type === 'cdata') {
      runs.flush();
      runs.text(node.value);
      runs.flush();
    } else if (node.type === 'element') {
      if (body && node.name === BODY_SLOT_NAME) {
        walkHast(body, runs);
        continue;
      }
      const a = node.attributes;
      runs.open(node.name, a.lang ?? a['xml:lang'] ?? undefined, (a.class ?? '').split(/\s+/), a.hidden !== undefined && a.hidden !== null);
      walkXml(node, runs, body);
      runs.close();
    } else {
      // Comments, processing instructions, the doctype.
      runs.flush();
    }
  }
}

/** A hast tree as xml.ts writes it (or as the HTML parser read it). */
function walkHast(parent: HastRoot | HastElement, runs: TextRuns): void {
  for (const node of parent.children) {
    if (node.type === 'text') {
      runs.text(xmlChars(node.value));
      // A one-letter identifier is drawn in the math font's italic letters (MathML's `math-auto`).
      if (parent.type === 'element' && parent.tagName === 'mi' && parent.properties.mathvariant === undefined) runs.text(mathItalic(node.value));
    } else if (node.type === 'element') {
      const p = node.properties;
      runs.open(node.tagName, written(p.lang) ?? written(p.xmlLang), classList(node), written(p.hidden) !== undefined);
      // xml.ts writes no content for a template.
      if (node.tagName !== 'template') walkHast(node, runs);
      runs.close();
    } else if (node.type === 'comment' || node.type === 'doctype') {
      runs.flush();
    }
  }
}

/** The Mathematical Italic letter (U+1D434…) a reading system draws for a one-letter `<mi>`, if any. */
function mathItalic(text: string): string {
  const chars = [...text.trim()];
  if (chars.length !== 1) return '';
  const c = chars[0]!.codePointAt(0)!;
  if (c === 0x68) return '\u210e';
  if (c >= 0x61 && c <= 0x7a) return String.fromCodePoint(0x1d44e + c - 0x61);
  if (c >= 0x41 && c <= 0x5a) return String.fromCodePoint(0x1d434 + c - 0x41);
  if (c >= 0x3b1 && c <= 0x3c9) return String.fromCodePoint(0x1d6fc + c - 0x3b1);
  return '';
}

/** The value of an attribute as xml.ts writes it, or undefined when it writes none. */
function written(value: unknown): string | undefined {
  if (value === null || value === undefined || value === false || (typeof value === 'number' && Number.isNaN(value))) return undefined;
  return value === true ? '' : Array.isArray(value) ? value.join(' ') : String(value);
}
