/**
 * TeX to MathML, as hast: temml's MathML (MathML Core, which Chromium prints
 * and EPUB 3 carries) parsed and kept to a safe subset — MathML elements and
 * their presentation attributes only, styles without `url()` — with
 * `alttext` for readers that cannot show MathML, and equation numbers
 * written out (temml leaves them to a CSS counter that e-readers lack).
 */
import type { Element, ElementContent, Root } from 'hast';
import rehypeParse from 'rehype-parse';
import temml from 'temml';
import { unified } from 'unified';

export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

/** The presentation elements of MathML Core (and `menclose`, `mlabeledtr`, which temml may write). */
export const MATHML_ELEMENTS: readonly string[] = [
  'math', 'semantics', 'annotation', 'maction', 'menclose', 'merror', 'mfrac', 'mi', 'mmultiscripts', 'mn', 'mo', 'mover', 'mpadded', 'mphantom',
  'mprescripts', 'mroot', 'mrow', 'ms', 'mspace', 'msqrt', 'mstyle', 'msub', 'msubsup', 'msup', 'mtable', 'mtd', 'mtext', 'mtr', 'mlabeledtr', 'munder', 'munderover', 'none',
];

/** Attributes (hast property names) MathML elements may keep; `style` is checked on its own. */
export const MATHML_ATTRIBUTES: readonly string[] = [
  'className', 'style', 'display', 'alttext', 'xmlns', 'dir', 'mathvariant', 'mathsize', 'mathcolor', 'mathbackground', 'displaystyle', 'scriptlevel',
  'fence', 'separator', 'stretchy', 'symmetric', 'largeop', 'movablelimits', 'accent', 'accentunder', 'form', 'lspace', 'rspace', 'minsize', 'maxsize',
  'linethickness', 'width', 'height', 'depth', 'voffset', 'notation', 'columnalign', 'rowalign', 'columnspacing', 'rowspacing', 'columnlines', 'rowlines', 'frame',
  'framespacing', 'equalrows', 'equalcolumns', 'columnspan', 'rowspan', 'encoding', 'linebreak',
];

const ELEMENTS = new Set(MATHML_ELEMENTS);
const ATTRIBUTES = new Set(MATHML_ATTRIBUTES);
/** Declarations such as `padding-left:0.5em;color:#ff0000`: no functions, quotes or escapes. */
const SAFE_STYLE = /^\s*(?:[a-z-]+\s*:\s*[^;:"'()\\<>]*;?\s*)*$/i;

export interface TexError {
  message: string;
  /** Offset in the TeX where the problem is, when temml knows it. */
  offset?: number;
}

const parser = unified().use(rehypeParse, { fragment: true });

/**
 * The MathML of one formula, or the reason it cannot be read. `number`
 * gives the next equation number, for environments that number themselves
 * (`equation`, `align`, `gather`).
 */
export function texToMathml(tex: string, display: boolean, number: () => number): Element | TexError {
  let html: string;
  try {
    html = temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false, strict: false });
  } catch (error) {
    const e = error as Error & { position?: number };
    return { message: cleanMessage(e.message), offset: typeof e.position === 'number' ? e.position : undefined };
  }
  const tree = parser.parse(html) as Root;
  const math = tree.children.find((c): c is Element => c.type === 'element' && c.tagName === 'math');
  if (!math) return { message: 'temml wrote no <math> element' };
  const safe = keepSafe(math, number) as Element;
  safe.properties.xmlns = MATHML_NS;
  safe.properties.alttext = tex.trim().replace(/\s+/g, ' ');
  if (display) safe.properties.display = 'block';
  return safe;
}

/** temml's message without the copy of the formula it underlines. */
function cleanMessage(message: string): string {
  return message
    .replace(/^\s*(ParseError:\s*)?/, '')
    .replace(/\s+at position \d+:[\s\S]*$/, '')
    .replace(/\s+at end of input:[\s\S]*$/, ' at the end of the formula')
    .trim();
}

/** Only MathML elements and attributes; an automatic equation number becomes its text. */
function keepSafe(node: ElementContent, number: () => number): ElementContent | undefined {
  if (node.type === 'text') return node;
  if (node.type !== 'element') return undefined;
  if (!ELEMENTS.has(node.tagName)) {
    // temml's `<span class="tml-eqn">` in an `<mtext>`: the number a CSS counter would show.
    if (node.tagName === 'span' && String(node.properties.className ?? '').includes('tml-eqn')) return { type: 'text', value: `(${number()})` };
    return undefined;
  }
  const properties: Element['properties'] = {};
  for (const [key, value] of Object.entries(node.properties)) {
    if (!ATTRIBUTES.has(key)) continue;
    if (key === 'style' && !SAFE_STYLE.test(String(value))) continue;
    properties[key] = value;
  }
  const children = node.children.map((c) => keepSafe(c, number)).filter((c): c is ElementContent => c !== undefined);
  return { type: 'element', tagName: node.tagName, properties, children };
}
