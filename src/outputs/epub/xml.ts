/**
 * Serializes hast as well-formed XML (XHTML or SVG) for EPUB reading
 * systems, which parse with a strict XML parser.
 *
 * Not hast-util-to-html: its HTML output leaves `<` unescaped in attribute
 * values and writes boolean attributes without a value (`checked`), which are
 * both fatal in XML, and keeps comments that may contain `--`. Not
 * xast-util-to-xml either (after hast-util-to-xast), which is valid XML but
 * other bytes: `&` as `&#x26;`, `>` and line breaks in attributes as they
 * are (an XML parser reads those as spaces), so every book would change.
 * Here text stays UTF-8 characters (only `&`, `<`, `>` and `"` become
 * references), characters that XML forbids are dropped, and comments are
 * never written.
 */
import type { Nodes } from 'hast';
import { find, html, svg } from 'property-information';

export const XHTML_NS = 'http://www.w3.org/1999/xhtml';
export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** HTML elements that have no end tag, written `<br/>`; every other empty element gets one. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Characters XML 1.0 does not allow at all, not even as references. */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_NAME = /^[A-Za-z_][-A-Za-z0-9_.]*(:[A-Za-z_][-A-Za-z0-9_.]*)?$/;

/** Removes the characters that may not appear in an XML document. */
export function xmlChars(value: string): string {
  return value.replace(INVALID_XML, '');
}

const SPECIAL_TEXT = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const SPECIAL_ATTRIBUTE = /[&<>"\u0000-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeText(value: string): string {
  if (!SPECIAL_TEXT.test(value)) return value;
  return xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  if (!SPECIAL_ATTRIBUTE.test(value)) return value;
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

export interface ToXmlOptions {
  /** `svg` for a standalone SVG document; inline `<svg>` switches by itself. */
  space?: 'html' | 'svg';
}

/** The XML text of a hast node. */
export function toXml(node: Nodes, options: ToXmlOptions = {}): string {
  const out: string[] = [];
  write(node, options.space ?? 'html', out);
  return out.join('');
}

function write(node: Nodes, space: 'html' | 'svg', out: string[]): void {
  switch (node.type) {
    case 'root':
      for (const child of node.children) write(child, space, out);
      return;
    case 'text':
      out.push(escapeText(node.value));
      return;
    case 'element': {
      const childSpace = space === 'html' && node.tagName === 'svg' ? 'svg' : space;
      const schema = childSpace === 'svg' ? svg : html;
      out.push('<', node.tagName);
      for (const [key, value] of Object.entries(node.properties)) {
        const attr = attribute(schema, key, value);
        if (attr) out.push(' ', attr);
      }
      const children = node.tagName === 'template' ? [] : node.children;
      if (children.length === 0 && (childSpace === 'svg' || VOID.has(node.tagName))) {
        out.push('/>');
        return;
      }
      out.push('>');
      for (const child of children) write(child, childSpace, out);
      out.push('</', node.tagName, '>');
      return;
    }
    // Comments, doctypes and raw HTML never reach an EPUB document.
    default:
      return;
  }
}

/** property-information's `find`, remembered: a book has millions of attributes but few names. */
const infos = new Map<typeof html, Map<string, ReturnType<typeof find>>>();
function propertyInfo(schema: typeof html, key: string): ReturnType<typeof find> {
  let bySchema = infos.get(schema);
  if (!bySchema) infos.set(schema, (bySchema = new Map()));
  let found = bySchema.get(key);
  if (!found) bySchema.set(key, (found = find(schema, key)));
  return found;
}

function attribute(schema: typeof html, key: string, value: unknown): string | undefined {
  const info = propertyInfo(schema, key);
  const name = info.attribute;
  if (!XML_NAME.test(name)) return undefined;
  if (value === null || value === undefined || value === false || (typeof value === 'number' && Number.isNaN(value))) return undefined;
  let text: string;
  if (value === true) {
    // XML has no attribute without a value: `checked="checked"`.
    if (!info.boolean && !info.overloadedBoolean && !info.booleanish) text = '';
    else text = info.booleanish ? 'true' : name;
  } else if (Array.isArray(value)) {
    text = value.join(info.commaSeparated ? ', ' : ' ');
  } else {
    text = String(value);
  }
  return `${name}="${escapeAttribute(text)}"`;
}
