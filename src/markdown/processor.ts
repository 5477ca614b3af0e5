/**
 * The one Markdown processor: CommonMark + GFM + CJK-friendly emphasis + math
 * (rendered as MathML) to a sanitized, highlighted hast tree with valid
 * addresses, named task-list checkboxes, callouts, figures and tables with
 * captions and numbers, references and citations marked, heading ids,
 * marked links and images, and the language and direction of passages in
 * other scripts. Built once per build and reused for every article.
 */
import type { Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import rehypeHighlight from 'rehype-highlight';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkCjkFriendlyGfmStrikethrough from 'remark-cjk-friendly-gfm-strikethrough';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import remarkCjkBreaks from './cjk-breaks.ts';
import { rehypeCallouts, remarkCallouts } from './callouts.ts';
import rehypeCaptions from './captions.ts';
import rehypeCitations from './citations.ts';
import rehypeDiagramBlocks from './diagrams.ts';
import rehypeMath from './math-render.ts';
import rehypeNumbering from './numbering.ts';
import remarkLimits from './limits.ts';
import remarkMathAsWritten from './math.ts';
import rehypeNumberRanges from './number-ranges.ts';
import rehypePassageLang from './passage-lang.ts';
import remarkFullwidthPunctuation from './punctuation.ts';
import rehypeTextDirection from './direction.ts';
import rehypeReportUnsafe, { rehypeDropStrayInputs } from './report-unsafe.ts';
import remarkSmartypantsSpaced from './smartypants.ts';
import rehypeFigures from './figures.ts';
import rehypeFontCoverage from './font-coverage.ts';
import rehypeFootnoteLabels from './footnotes.ts';
import rehypeCollectHeadings from './headings.ts';
import rehypeImages from './images.ts';
import rehypeLinkNames from './link-names.ts';
import rehypeArticleLinks from './links.ts';
import rehypeTaskListLabels from './task-lists.ts';
import remarkTitle from './title.ts';
import rehypeValidUrls from './urls.ts';
import './data.ts';

/**
 * GitHub's safe subset of HTML, plus the few elements articles legitimately
 * use. No scripts, event handlers, styles, frames, forms or `javascript:`
 * URLs survive. Ids are kept as written (no `user-content-` prefix): the site
 * runs no script that DOM clobbering could affect.
 */
export const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobber: [],
  // Removed with their content: what is inside them is code or markup, not text.
  strip: ['script', 'style', 'template', 'noscript', 'textarea', 'title', 'xmp', 'iframe', 'object', 'embed', 'svg', 'math', 'select', 'button'],
  tagNames: [...(defaultSchema.tagNames ?? []), 'figure', 'figcaption', 'abbr', 'mark', 'small', 'cite', 'u', 'time', 'dfn', 'bdi', 'bdo', 'wbr'],
  attributes: {
    ...defaultSchema.attributes,
    abbr: ['title'],
    time: ['dateTime'],
    bdo: ['dir'],
    // Math is kept as its TeX until it is rendered after sanitizing (remark-math's classes).
    code: [['className', /^language-./, 'math-inline', 'math-display']],
    // A GitHub alert (callouts.ts), made an <aside> after sanitizing.
    blockquote: [...(defaultSchema.attributes?.blockquote ?? []), 'dataCallout'],
    // Heading `className` from footnotes (sr-only) is replaced later anyway.
    h2: [...(defaultSchema.attributes?.h2 ?? []), 'id'],
  },
};

const PLAIN = ['math', 'text', 'txt', 'plain', 'plaintext', 'console', 'output', 'log', 'mermaid', 'ascii', 'none'];

export function createProcessor() {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkCallouts)
    .use(remarkMathAsWritten)
    .use(remarkCjkFriendly)
    .use(remarkCjkFriendlyGfmStrikethrough)
    .use(remarkLimits)
    .use(remarkFullwidthPunctuation)
    .use(remarkTitle)
    .use(remarkCjkBreaks)
    .use(remarkSmartypantsSpaced)
    .use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' })
    .use(rehypeRaw)
    .use(rehypeValidUrls)
    .use(rehypeReportUnsafe, sanitizeSchema)
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeMath)
    .use(rehypeCallouts)
    .use(rehypeDropStrayInputs)
    .use(rehypeTaskListLabels)
    .use(rehypeSlug)
    .use(rehypeFootnoteLabels)
    .use(rehypeFigures)
    .use(rehypeDiagramBlocks)
    .use(rehypeCaptions)
    .use(rehypeNumbering)
    .use(rehypeCitations)
    .use(rehypeArticleLinks)
    .use(rehypeImages)
    .use(rehypeLinkNames)
    .use(rehypeHighlight, { detect: false, plainText: PLAIN })
    .use(rehypePassageLang)
    .use(rehypeTextDirection)
    .use(rehypeNumberRanges)
    .use(rehypeCollectHeadings)
    .use(rehypeFontCoverage)
    .freeze();
}

export type Processor = ReturnType<typeof createProcessor>;

/** Parses and transforms one article; messages stay on `file.messages`. */
export async function processMarkdown(processor: Processor, file: VFile): Promise<HastRoot> {
  const mdast = processor.parse(file) as MdastRoot;
  return (await processor.run(mdast, file)) as HastRoot;
}
