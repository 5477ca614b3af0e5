/**
 * The sanitize schema (hast-util-sanitize) of an EPUB chapter: which
 * attributes the EPUB 3 XHTML schema accepts on which element, and the
 * values it checks (raw HTML in articles can carry invalid ones: they go).
 * Every element is kept: the article was sanitized when it was loaded (src/markdown/processor.ts), and
 * the elements the EPUB cannot use were renamed before this runs (renames.ts).
 */
import type { Schema } from 'hast-util-sanitize';
import { html } from 'property-information';
import { SVG_ATTRIBUTES } from '../../diagrams/svg-schema.ts';
import { MATHML_ATTRIBUTES, MATHML_ELEMENTS } from '../../markdown/mathml.ts';

const INTEGER = /^\d+$/;
const LANGUAGE = /^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)?$/;
const HREF_LANGUAGE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const DIRECTION = /^(ltr|rtl|auto)$/;
const SCOPE = /^(row|col|rowgroup|colgroup)$/;
const DATE_TIME = /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/** Every `aria-*` property hast knows (the sanitizer has no wildcard for them). */
const ARIA = Object.keys(html.property).filter((key) => /^aria[A-Z]/.test(key));

export const epubSchema: Schema = {
  tagNames: null,
  ancestors: {},
  strip: [],
  clobber: [],
  clobberPrefix: '',
  // Addresses are made valid (or dropped) after this, by addresses.ts.
  protocols: {},
  allowComments: false,
  allowDoctypes: false,
  attributes: {
    '*': ['id', 'className', 'title', ['lang', LANGUAGE], ['dir', DIRECTION], 'role', 'epub:type', 'hidden', ...ARIA],
    a: ['href', ['hrefLang', HREF_LANGUAGE]],
    img: ['src', 'alt', ['width', INTEGER], ['height', INTEGER]],
    ol: [['start', INTEGER], 'reversed'],
    li: [['value', INTEGER]],
    td: [['colSpan', INTEGER], ['rowSpan', INTEGER], 'headers'],
    th: [['colSpan', INTEGER], ['rowSpan', INTEGER], 'headers', ['scope', SCOPE], 'abbr'],
    col: [['span', INTEGER]],
    colgroup: [['span', INTEGER]],
    time: [['dateTime', DATE_TIME]],
    blockquote: ['cite'],
    q: ['cite'],
    del: ['cite', ['dateTime', DATE_TIME]],
    ins: ['cite', ['dateTime', DATE_TIME]],
    // MathML (src/markdown/mathml.ts) and diagrams' SVG (src/diagrams/), as the build wrote them.
    ...Object.fromEntries(MATHML_ELEMENTS.map((tag) => [tag, [...MATHML_ATTRIBUTES]])),
    ...SVG_ATTRIBUTES,
    // Only task-list checkboxes are meaningful in a book.
    input: [['type', 'checkbox'], 'checked', 'disabled'],
  },
  required: {
    input: { type: 'checkbox', disabled: true },
  },
};
