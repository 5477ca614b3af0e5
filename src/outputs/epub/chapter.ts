/**
 * Turns an article's resolved tree into the body of an EPUB 3 chapter:
 * footnotes get EPUB 3 semantics (`noteref`, `footnote`), ids become valid
 * and stable XML ids (links follow them), and elements and attributes that
 * the EPUB 3 XHTML schema rejects are replaced by valid equivalents.
 */
import { createHash } from 'node:crypto';
import type { Element, ElementContent, Properties, Root } from 'hast';
import { h } from 'hastscript';
import { strictUri } from '../../urls.ts';

// Moved to src/urls.ts (the site and the PDFs use it too); still exported from here.
export { strictUri };

/** What an image source of the resolved tree became in the EPUB. */
export const MISSING_IMAGE = 'anthology-missing-image:';

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

/** ASCII XML names, which every reading system's link handling copes with. */
const SAFE_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * A valid, ASCII XML id for `id`, not yet in `used`. Ids that are already
 * fine are kept; an id starting with a digit gets a prefix; an id with other
 * characters (Chinese headings, `%`, spaces) becomes a short hash of itself,
 * so that it is the same in every build.
 */
export function safeId(id: string, used: Set<string>): string {
  let base: string;
  if (SAFE_ID.test(id)) base = id;
  else if (/^[A-Za-z0-9_.-]+$/.test(id)) base = `id-${id}`;
  else base = `id-${createHash('sha1').update(id).digest('hex').slice(0, 10)}`;
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}-${n}`;
  used.add(candidate);
  return candidate;
}

/** Every id of a tree, in document order, mapped to its EPUB id. */
export function idMapFor(tree: Root, reserved: Iterable<string> = []): Map<string, string> {
  const used = new Set(reserved);
  const map = new Map<string, string>();
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const id = child.properties.id;
      if (typeof id === 'string' && id !== '' && !map.has(id)) map.set(id, safeId(id, used));
      walk(child);
    }
  };
  walk(tree);
  return map;
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** The EPUB id for a `#fragment` of a document with this id map, if there is such an element. */
export function mapFragment(ids: ReadonlyMap<string, string>, fragment: string): string | undefined {
  return ids.get(fragment) ?? ids.get(decodeFragment(fragment));
}

// ---------------------------------------------------------------------------
// The chapter body
// ---------------------------------------------------------------------------

export interface PrepareOptions {
  /** The article's id map (from idMapFor on its tree). */
  ids: ReadonlyMap<string, string>;
  /** Placeholder text for an image without alt text. */
  imageLabel: string;
}

export interface PreparedChapter {
  tree: Root;
  /** How many images the chapter shows, and how many of them lack alt text. */
  images: number;
  imagesWithoutAlt: number;
}

/** Elements replaced by a valid equivalent: obsolete in HTML5, or interactive where e-readers are not. */
const RENAME: Readonly<Record<string, { tagName: string; className?: string }>> = {
  tt: { tagName: 'code' },
  strike: { tagName: 's' },
  big: { tagName: 'span', className: 'big' },
  center: { tagName: 'div', className: 'center' },
  font: { tagName: 'span' },
  details: { tagName: 'div', className: 'details' },
  summary: { tagName: 'p', className: 'summary' },
  // A picture's sources point at files the EPUB does not carry; its img stays.
  picture: { tagName: 'span', className: 'picture' },
};

/** Attributes kept on every element. */
const GLOBAL_ATTRIBUTES = new Set(['id', 'className', 'title', 'lang', 'dir', 'role', 'epub:type', 'hidden']);
/** Further attributes kept per element, by hast property name. */
const ELEMENT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'hrefLang'],
  img: ['src', 'alt', 'width', 'height'],
  ol: ['start', 'reversed'],
  li: ['value'],
  td: ['colSpan', 'rowSpan', 'headers'],
  th: ['colSpan', 'rowSpan', 'headers', 'scope', 'abbr'],
  col: ['span'],
  colgroup: ['span'],
  time: ['dateTime'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'dateTime'],
  ins: ['cite', 'dateTime'],
  input: ['type', 'checked', 'disabled'],
  bdo: ['dir'],
  abbr: ['title'],
  dfn: ['title'],
};
const ID_REFERENCES = ['ariaDescribedBy', 'ariaLabelledBy', 'headers'];
const INTEGER = /^\d+$/;
/** Attribute values the XHTML schema checks, from raw HTML in articles: invalid ones are dropped. */
const VALID: Readonly<Record<string, RegExp>> = {
  lang: /^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)?$/,
  hrefLang: /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/,
  dir: /^(ltr|rtl|auto)$/,
  scope: /^(row|col|rowgroup|colgroup)$/,
  dateTime: /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/,
};

/**
 * Rewrites a resolved article tree (a copy: `resolveTree` clones) in place
 * into a valid EPUB chapter body. One walk over the tree does everything:
 * books of hundreds of long articles make the number of walks count.
 */
export function prepareChapter(tree: Root, options: PrepareOptions): PreparedChapter {
  const { ids } = options;
  const result: PreparedChapter = { tree, images: 0, imagesWithoutAlt: 0 };
  const seenIds = new Set<string>();

  const walk = (parent: Root | Element, insideLink: boolean): void => {
    const children = parent.children;
    for (let i = 0; i < children.length; i++) {
      let node = children[i]!;
      if (node.type !== 'element') {
        // Comments and raw HTML never reach an EPUB.
        if (node.type !== 'text') children.splice(i--, 1);
        continue;
      }
      const p = node.properties;
      // Footnotes (GFM, from remark-rehype) become EPUB 3 notes.
      if (node.tagName === 'section' && p.dataFootnotes !== undefined) {
        node = children[i] = footnotesSection(node);
      } else if (node.tagName === 'a' && p.dataFootnoteRef !== undefined) {
        node.properties = { href: p.href, id: p.id, 'epub:type': 'noteref', role: 'doc-noteref', className: ['noteref'] };
      }
      if (node.tagName === 'source') {
        children.splice(i--, 1);
        continue;
      }
      // Unusable images become their alt text, like remote ones.
      if (node.tagName === 'img') {
        const src = node.properties.src;
        const alt = typeof node.properties.alt === 'string' ? node.properties.alt.trim() : '';
        if (typeof src !== 'string' || src === '' || src.startsWith(MISSING_IMAGE)) {
          children[i] = h('span.image-missing', alt || options.imageLabel);
          continue;
        }
        result.images++;
        if (!alt) result.imagesWithoutAlt++;
        node.properties.alt = alt;
      }
      const renamed = RENAME[node.tagName];
      if (renamed) {
        node.tagName = renamed.tagName;
        if (renamed.className) node.properties.className = [...classes(node), renamed.className];
      }
      cleanAttributes(node);
      rewriteIds(node, ids, seenIds);
      // A link inside a link is invalid (a linked remote image became a
      // placeholder with its own link): the inner one keeps its text. So
      // does a link whose target is gone.
      if (node.tagName === 'figure') dropRepeatedAlt(node);
      let inside = insideLink;
      if (node.tagName === 'a') {
        if (insideLink || typeof node.properties.href !== 'string') unlink(node);
        else inside = true;
      }
      walk(node, inside);
    }
  };
  walk(tree, false);
  return result;
}

function classes(node: Element): string[] {
  const c = node.properties.className;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? String(c).split(/\s+/).filter(Boolean) : [];
}

function cleanAttributes(node: Element): void {
  const allowed = ELEMENT_ATTRIBUTES[node.tagName] ?? [];
  const p = node.properties;
  const kept: Properties = {};
  for (const key in p) {
    const value = p[key];
    if (value === undefined || value === null) continue;
    if (GLOBAL_ATTRIBUTES.has(key) || allowed.includes(key) || /^aria[A-Z]/.test(key)) kept[key] = value;
  }
  // Table cell alignment (GFM) is obsolete as an attribute: a class says it.
  if (typeof p.align === 'string' && /^(left|right|center|justify)$/i.test(p.align)) {
    kept.className = [...classes(node), `align-${p.align.toLowerCase()}`];
  }
  for (const key of INTEGER_ATTRIBUTES) {
    if (kept[key] !== undefined && !INTEGER.test(String(kept[key]))) delete kept[key];
  }
  for (const [key, valid] of Object.entries(VALID)) {
    if (kept[key] !== undefined && !valid.test(String(kept[key]))) delete kept[key];
  }
  if (typeof kept.cite === 'string') {
    const cite = /^https?:/i.test(kept.cite) ? strictUri(kept.cite) : undefined;
    if (cite) kept.cite = cite;
    else delete kept.cite;
  }
  if (Array.isArray(kept.className) && kept.className.length === 0) delete kept.className;
  if (node.tagName === 'a' && typeof kept.href === 'string') {
    const href = normalizeHref(kept.href);
    if (href === undefined) delete kept.href;
    else kept.href = href;
  }
  if (node.tagName === 'input' && kept.type !== 'checkbox') {
    // Only task-list checkboxes are meaningful in a book.
    kept.type = 'checkbox';
    kept.disabled = true;
  }
  node.properties = kept;
}

const INTEGER_ATTRIBUTES = ['width', 'height', 'start', 'value', 'span', 'colSpan', 'rowSpan'];

/**
 * A link target valid in an EPUB: absolute URLs as strict RFC 3986 URIs,
 * fragments and chapter files kept; anything else (unparseable, or a scheme
 * that makes no sense in a book) is dropped.
 */
function normalizeHref(href: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed.startsWith('#') || /^[A-Za-z0-9_.-]+\.xhtml(#.*)?$/.test(trimmed)) return trimmed;
  if (!/^(https?|mailto|ftp):/i.test(trimmed)) return undefined;
  return strictUri(trimmed);
}

/**
 * The element's id becomes its EPUB id (only the first element keeps an id
 * that the source had twice); `#fragment` links and id references follow,
 * or are removed when they lead nowhere.
 */
function rewriteIds(node: Element, ids: ReadonlyMap<string, string>, seen: Set<string>): void {
  const p = node.properties;
  if (typeof p.id === 'string') {
    const id = ids.get(p.id);
    if (id && !seen.has(id)) {
      p.id = id;
      seen.add(id);
    } else delete p.id;
  }
  for (const key of ID_REFERENCES) {
    const value = p[key];
    if (value === undefined) continue;
    const refs = (Array.isArray(value) ? value : String(value).split(/\s+/)).map(String);
    const mapped = refs.map((r) => ids.get(r)).filter((r): r is string => Boolean(r));
    if (mapped.length) p[key] = mapped;
    else delete p[key];
  }
  if (node.tagName === 'a' && typeof p.href === 'string' && p.href.startsWith('#')) {
    const target = mapFragment(ids, p.href.slice(1));
    if (target) p.href = '#' + target;
    else delete p.href;
  }
}

/**
 * A remote image shown as a placeholder in a figure whose caption is its alt
 * text (the figures plugin's default) would say the same thing twice: the
 * placeholder keeps only its link.
 */
function dropRepeatedAlt(figure: Element): void {
  const caption = figure.children.find((c): c is Element => c.type === 'element' && c.tagName === 'figcaption');
  if (!caption) return;
  const text = (node: Element): string => node.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? text(c) : '')).join('').trim();
  const captionText = text(caption);
  const strip = (parent: Element) => {
    for (const child of parent.children) {
      if (child.type !== 'element') continue;
      if (child.tagName === 'span' && classes(child).includes('remote-image')) {
        child.children = child.children.filter((c) => !(c.type === 'element' && classes(c).includes('remote-image-alt') && text(c) === captionText));
        const first = child.children[0];
        if (first?.type === 'text' && !first.value.trim()) child.children.shift();
      } else if (child.tagName !== 'figcaption') {
        strip(child);
      }
    }
  };
  strip(figure);
}

function unlink(node: Element): void {
  const p = node.properties;
  node.tagName = 'span';
  delete p.href;
  delete p.hrefLang;
  if (p['epub:type'] === 'noteref') delete p['epub:type'];
  if (typeof p.role === 'string' && /^doc-(noteref|backlink)$/.test(p.role)) delete p.role;
}

// ---------------------------------------------------------------------------
// Footnotes
// ---------------------------------------------------------------------------

/**
 * A GFM footnotes section as EPUB 3 notes: each note becomes an
 * `<aside epub:type="footnote">`, which reading systems show as a pop-up.
 * The note starts with its number, which links back to the (first)
 * reference; the trailing `↩` links are dropped.
 */
function footnotesSection(section: Element): Element {
  const out: ElementContent[] = [];
  let labelId: string | undefined;
  for (const child of section.children) {
    if (child.type !== 'element') continue;
    if (/^h[1-6]$/.test(child.tagName)) {
      labelId = typeof child.properties.id === 'string' ? child.properties.id : undefined;
      out.push({ ...child, properties: { ...child.properties, className: ['footnotes-title'] } });
    } else if (child.tagName === 'ol') {
      let number = typeof child.properties.start === 'number' ? child.properties.start : 1;
      for (const li of child.children) {
        if (li.type !== 'element' || li.tagName !== 'li') continue;
        out.push(footnote(li, number++));
      }
    } else {
      out.push(child);
    }
  }
  return h(
    'section',
    { className: ['footnotes'], 'epub:type': 'footnotes', role: 'doc-endnotes', ariaLabelledBy: labelId },
    out,
  );
}

function footnote(li: Element, number: number): Element {
  let backHref: string | undefined;
  // Drop the back-links (and the space before them), remembering the first.
  const strip = (node: Element) => {
    node.children = node.children.filter((c) => {
      if (c.type === 'element' && c.tagName === 'a' && c.properties.dataFootnoteBackref !== undefined) {
        backHref ??= typeof c.properties.href === 'string' ? c.properties.href : undefined;
        return false;
      }
      return true;
    });
    for (const c of node.children) if (c.type === 'element') strip(c);
    const last = node.children[node.children.length - 1];
    if (last?.type === 'text') last.value = last.value.replace(/\s+$/, '');
  };
  strip(li);
  const label = backHref
    ? h('a.footnote-number', { href: backHref, role: 'doc-backlink' }, `${number}.`)
    : h('span.footnote-number', `${number}.`);
  const children = li.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  // The number goes at the start of the first paragraph, or before everything.
  const first = children[0];
  if (first?.type === 'element' && first.tagName === 'p') {
    first.children.unshift(label, { type: 'text', value: ' ' });
  } else {
    children.unshift(h('p', [label]));
  }
  return h('aside.footnote', { id: li.properties.id, 'epub:type': 'footnote', role: 'doc-footnote' }, children);
}
