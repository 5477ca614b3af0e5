/**
 * Plain text copied from a news page → an article. The top of a clipping is
 * read as a header (date and time, title, byline, source, original title,
 * image credit, in any order); the rest is the body, one paragraph per line
 * (or per run of hard-wrapped lines); a trailer of page furniture at the end
 * (closing link, comment box, sharing, previous/next, related links) is cut.
 *
 * Only whole lines that match a known pattern are taken out (see lines.ts);
 * every other line is kept word for word. Short lines standing alone between
 * paragraphs become `##` headings; nothing is added.
 */
import type { Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import { detectLang } from './lang.ts';
import {
  endsLikeSentence,
  isBareCount,
  isClosingLine,
  isCommentMarker,
  isFurniture,
  isImageCredit,
  isQuotedLine,
  isRelatedMarker,
  type MetaLine,
  parseCredits,
  parseReprintNotice,
  parseSourceLine,
  PublisherChoice,
  readMetaLine,
  type SourceLine,
} from './lines.ts';
import type { Extracted, ImportMeta } from './types.ts';

export interface TextOptions {
  encoding: string;
}

interface Block {
  lines: string[];
  /** The block's text on one line, for matching. */
  text: string;
  /** Short lines kept as lines (verse, an address): joined by line breaks. */
  verse?: boolean;
}

/** Lines the header may span before the body must have started. */
const HEADER_LINES = 12;

export function extractText(input: string, options: TextOptions): Extracted {
  const dropped: string[] = [];
  const warnings: Extracted['warnings'] = [];
  const meta: ImportMeta = { authors: [], tags: [], lang: 'en' };
  const addAuthors = (names: string[]) => {
    for (const n of names) if (!meta.authors.includes(n)) meta.authors.push(n);
  };
  let sourceName: string | undefined;
  const takeSource = (s: SourceLine, line: string) => {
    dropped.push(line);
    if (s.kind === 'original-title') meta.subtitle ??= s.value;
    else if (s.url) meta.source ??= s.url;
    else sourceName ??= s.value;
  };
  const publisher = new PublisherChoice();
  let fallbackAuthor: string | undefined;
  /** A byline, reprint notice or `X 发布在 Y` line: its names into the front matter, the line out of the body. */
  const takeMeta = (m: MetaLine, line: string) => {
    addAuthors(m.authors);
    if (m.publisher) publisher.offer(m.publisher);
    fallbackAuthor ??= m.fallbackAuthor;
    if (m.date) meta.date ??= m.date;
    if (m.source) takeSource(m.source, line);
    else dropped.push(line);
  };

  // Lines without their indentation (full-width spaces are paragraph indents), blank lines marked.
  const lines = input.replace(/^\ufeff/, '').split('\n').map((l) => l.replace(/^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$/gu, ''));

  // 1. Header.
  let i = 0;
  let seen = 0;
  for (; i < lines.length && seen < HEADER_LINES; i++) {
    const line = lines[i]!;
    if (!line) continue;
    seen++;
    const metaLine = readMetaLine(line);
    if (metaLine) {
      takeMeta(metaLine, line);
      continue;
    }
    if (isImageCredit(line) || isFurniture(line) || isBareCount(line)) {
      dropped.push(line);
      continue;
    }
    if (meta.title === undefined && looksLikeTitle(line)) {
      meta.title = line;
      continue;
    }
    break;
  }
  if (meta.title === undefined) warnings.push({ rule: 'import-title', message: 'Found no title line at the top of the text; the file name is used as the title: check it' });

  // 2. Body blocks: a line each, or hard-wrapped lines joined, or (between blank lines) a stanza of short lines.
  const groups: string[][] = [[]];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line) groups[groups.length - 1]!.push(line);
    else if (groups[groups.length - 1]!.length) groups.push([]);
  }
  const bodyLines = groups.reduce((n, g) => n + g.length, 0);
  // Paragraphs separated by blank lines, rather than one per line.
  const blankStyle = groups.length >= 3 && groups.length * 2 >= bodyLines;
  const blocks: Block[] = [];
  for (const group of groups) {
    if (blankStyle && group.length >= 2 && group.every((l) => l.length <= 30 && isPlainLine(l))) {
      blocks.push({ lines: group, text: group.join(' '), verse: true });
      continue;
    }
    for (const [k, line] of group.entries()) {
      const previous = blocks[blocks.length - 1];
      if (k > 0 && previous && !previous.verse && continuesParagraph(previous, line)) {
        previous.lines.push(line);
        previous.text += ' ' + line;
      } else {
        blocks.push({ lines: [line], text: line });
      }
    }
  }

  // 3. The trailer: from the first closing marker on, only furniture and short lines (related titles, user names).
  const tailStart = findTrailer(blocks);
  const commentMarkerKept = blocks.slice(0, tailStart).some((b) => isCommentMarker(b.text));
  // What closes a clipped page after the article: reprint notices, bylines, the original title, counts, prompts.
  let end = tailStart;
  const closing: Block[] = [];
  while (end > 0) {
    const b = blocks[end - 1]!;
    if (b.lines.length > 1 && !b.verse) break;
    const lines = b.verse ? b.lines : [b.text];
    if (!lines.every((l) => isClosingLine(l))) break;
    closing.unshift(b);
    end--;
  }
  for (const b of closing) {
    for (const line of b.verse ? b.lines : [b.text]) {
      const m = readMetaLine(line);
      if (m) takeMeta(m, line);
      else dropped.push(line);
    }
  }
  for (const b of blocks.slice(tailStart)) {
    const s = parseSourceLine(b.text);
    if (s?.url && (s.kind === 'link' || s.kind === 'source')) meta.source ??= s.url;
    dropped.push(b.text);
  }
  const body = blocks.slice(0, end).filter((b, k) => {
    const drop = () => (dropped.push(b.text), false);
    if (isFurniture(b.text) || isImageCredit(b.text)) return drop();
    const s = parseSourceLine(b.text);
    if (s?.kind === 'link') {
      meta.source ??= s.url;
      return drop();
    }
    const credits = parseCredits(b.text);
    // A byline near the top is the article's; one further down credits a quotation or an excerpt (`作者：凯文·凯利`) and stays.
    if (credits && (k < 3 || !credits.some((c) => c.kind === 'author'))) {
      takeMeta(readMetaLine(b.text) ?? { authors: [] }, b.text);
      return false;
    }
    const reprint = parseReprintNotice(b.text);
    if (reprint) {
      takeMeta(readMetaLine(b.text)!, b.text);
      return false;
    }
    return true;
  });
  if (!meta.authors.length && fallbackAuthor) meta.authors.push(fallbackAuthor);
  meta.publisher = publisher.name;
  if (commentMarkerKept) warnings.push({ rule: 'import-comments', message: 'Kept lines after a comment-section marker because they read like sentences: check that they are the article and not readers\' comments' });
  if (sourceName && !meta.source) warnings.push({ rule: 'import-source', message: `The source "${sourceName}" has no web address; \`source\` (a URL) is left out` });

  // 4. Headings: short lines standing alone between paragraphs; quoted lines (`“某行业有先天短板”`) when the article has other such headings.
  const quoted = body.map((b, k) => isQuotedHeading(b, body[k - 1], body[k + 1]));
  const plainHeadings = body.filter((b, k) => !b.verse && !quoted[k] && isHeading(b, body[k - 1], body[k + 1])).length;
  const quotedAreHeadings = quoted.filter(Boolean).length >= 2 || (quoted.some(Boolean) && plainHeadings > 0);
  const children: RootContent[] = body.map((b, k) => {
    if (quotedAreHeadings && quoted[k]) return { type: 'heading', depth: 2, children: [{ type: 'text', value: b.text }] };
    if (b.verse) {
      const inline: PhrasingContent[] = b.lines.flatMap((value, n) => (n ? [{ type: 'break' } as const, { type: 'text' as const, value }] : [{ type: 'text' as const, value }]));
      return { type: 'paragraph', children: inline } satisfies Paragraph;
    }
    const text = b.lines.join('\n');
    if (isHeading(b, body[k - 1], body[k + 1])) return { type: 'heading', depth: 2, children: [{ type: 'text', value: text }] };
    return { type: 'paragraph', children: [{ type: 'text', value: text }] } satisfies Paragraph;
  });
  // Dropped lines in the order they were written.
  const position = (line: string) => {
    const at = lines.indexOf(line);
    return at >= 0 ? at : lines.indexOf(line.split(' ')[0]!);
  };
  dropped.sort((a, b) => position(a) - position(b));
  meta.lang = detectLang(input, options.encoding);
  return { meta, body: { type: 'root', children } satisfies Root, dropped, warnings };
}

/** Not furniture, a marker, a credit or a source: a line of the article. */
function isPlainLine(line: string): boolean {
  return !isFurniture(line) && !isRelatedMarker(line) && !isCommentMarker(line) && !parseSourceLine(line) && !parseCredits(line) && !isImageCredit(line);
}

function looksLikeTitle(line: string): boolean {
  return line.length <= (isMostlyLatin(line) ? 160 : 60) && !/[。，,、；;：:]$/.test(line) && !/[。]/.test(line);
}

/** A hard-wrapped paragraph: the previous line is long and stops mid-sentence. */
function continuesParagraph(previous: Block, line: string): boolean {
  const last = previous.lines[previous.lines.length - 1]!;
  return last.length >= 40 && !endsLikeSentence(last) && !isFurniture(line) && !parseSourceLine(line) && !isImageCredit(line);
}

function findTrailer(blocks: Block[]): number {
  const isMarker = (b: Block) => isRelatedMarker(b.text) || isCommentMarker(b.text) || parseSourceLine(b.text)?.kind === 'link' || /^[-—–_=~·\s]*(?:[（(【\[]\s*完\s*[)）】\]]|完|END|THE END|全文完)[-—–_=~·\s]*$/i.test(b.text);
  const isTrailing = (b: Block) => isFurniture(b.text) || isMarker(b) || isImageCredit(b.text) || !!parseSourceLine(b.text) || (b.text.length <= 30 && !endsLikeSentence(b.text)) || /^\d+\s*(?:秒|分钟|小时|天|周|个月|年)前$/.test(b.text);
  // The longest run of trailing blocks at the end…
  let start = blocks.length;
  while (start > 0 && isTrailing(blocks[start - 1]!)) start--;
  // …that starts at a marker: short lines before the first marker are the article's (a signature, a place and date).
  while (start < blocks.length && !isMarker(blocks[start]!)) {
    if (!isFurniture(blocks[start]!.text)) {
      start++;
      continue;
    }
    break;
  }
  return start;
}

/** A short line without closing punctuation, between two paragraphs of prose. */
function isHeading(block: Block, previous: Block | undefined, next: Block | undefined): boolean {
  const text = block.text;
  if (block.lines.length > 1 || !previous || !next) return false;
  const latin = isMostlyLatin(text);
  if (latin ? text.length > 70 || text.split(/\s+/).length > 10 : text.length > 30) return false;
  if (text.length < 2 || endsLikeSentence(text) || /[。！？!?]/.test(text) || /^[\d\s\p{P}]+$/u.test(text)) return false;
  const prose = (b: Block) => endsLikeSentence(b.text) || b.text.length >= 40;
  if (!prose(previous) || !prose(next)) return false;
  // Poetry and dialogue are short lines among short lines: a heading stands out against longer text.
  return Math.max(previous.text.length, next.text.length) >= Math.max(2 * text.length, 20);
}

/** A line that is a short quotation alone, without sentence punctuation, between paragraphs of prose (not dialogue among dialogue). */
function isQuotedHeading(block: Block, previous: Block | undefined, next: Block | undefined): boolean {
  if (block.verse || block.lines.length > 1 || !previous || !next || !isQuotedLine(block.text)) return false;
  const prose = (b: Block) => !isQuotedLine(b.text) && (endsLikeSentence(b.text) || b.text.length >= 40) && !/^[“"「『]/.test(b.text);
  return prose(previous) && prose(next);
}

function isMostlyLatin(text: string): boolean {
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return latin > han * 3;
}
