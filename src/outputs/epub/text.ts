/**
 * Finds the text each finished EPUB document renders, and in which font
 * style, for subsetting. It reads the XHTML that the EPUB will contain
 * (chapters, navigation, title page), so that text coming from templates is
 * counted as well as the articles'.
 *
 * The style rules here mirror templates/css/epub.css: which elements are
 * bold, italic or monospace, and that `lang` picks the Latin or CJK stack.
 * A character missed here still displays, from a later font of the stack or
 * the reader's own, so the mirror errs on the side of including.
 */
import type { FontPlanner, FontRole, TextStyle } from './fonts.ts';

const BOLD = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'th', 'dt']);
const ITALIC = new Set(['em', 'i', 'cite', 'dfn', 'var']);
const MONO = new Set(['code', 'kbd', 'samp', 'pre']);
const BOLD_CLASSES = ['hljs-strong', 'summary'];
const ITALIC_CLASSES = ['hljs-comment', 'hljs-quote', 'hljs-emphasis'];

export function roleForLang(lang: string): FontRole {
  return /^(zh|ja|ko)\b/i.test(lang) ? 'cjk' : 'latin';
}

interface Frame {
  tag: string;
  style: TextStyle;
  hidden: boolean;
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Adds the rendered text of an XHTML document to the planner. */
export function collectText(xhtml: string, planner: FontPlanner): void {
  const stack: Frame[] = [{ tag: '#document', style: { role: 'latin', bold: false, italic: false }, hidden: false }];
  let last = 0;
  const text = (raw: string) => {
    const top = stack[stack.length - 1]!;
    if (top.hidden || !raw) return;
    const value = decode(raw);
    if (value.trim()) planner.add(top.style, value);
  };
  for (const m of xhtml.matchAll(TOKEN)) {
    text(xhtml.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      text(m[1]);
    } else if (m[2] !== undefined) {
      const name = m[2].toLowerCase();
      const at = stack.findLastIndex((f) => f.tag === name);
      if (at > 0) stack.length = at;
    } else if (m[3] !== undefined) {
      const tag = m[3].toLowerCase();
      const attrs = new Map<string, string>();
      for (const a of (m[4] ?? '').matchAll(ATTRIBUTE)) attrs.set(a[1]!, decode(a[2] ?? a[3] ?? ''));
      const parent = stack[stack.length - 1]!;
      const classes = (attrs.get('class') ?? '').split(/\s+/);
      const lang = attrs.get('lang') ?? attrs.get('xml:lang');
      const style: TextStyle = {
        role: lang !== undefined ? roleForLang(lang) : MONO.has(tag) ? 'mono' : parent.style.role,
        bold: parent.style.bold || BOLD.has(tag) || classes.some((c) => BOLD_CLASSES.includes(c)),
        italic: parent.style.italic || ITALIC.has(tag) || classes.some((c) => ITALIC_CLASSES.includes(c)),
      };
      const hidden = parent.hidden || tag === 'head' || tag === 'title' || tag === 'style' || tag === 'script' || attrs.has('hidden');
      if (m[5] !== '/') stack.push({ tag, style, hidden });
    }
  }
  text(xhtml.slice(last));
}

/** Text of the `content: "…"` strings of a stylesheet (generated text the readers draw). */
export function generatedText(css: string): string {
  return [...css.matchAll(/content:\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))).join('');
}

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()]!;
  });
}
