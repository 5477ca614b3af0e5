/**
 * Ids in the EPUB: every id of an article becomes a valid, stable, ASCII XML
 * id (`idMapFor`, made for every article before any chapter, so that links
 * between articles find their targets), and the rehype plugin gives a
 * chapter those ids: only the first element keeps an id that the source had
 * twice, and `#fragment` links and id references follow, or go when they
 * lead nowhere.
 */
import { createHash } from 'node:crypto';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import './data.ts';
import { visitElements } from './walk.ts';

/** ASCII XML names, which every reading system's link handling copes with. */
const SAFE_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Properties that hold ids of other elements. */
const ID_REFERENCES = ['ariaDescribedBy', 'ariaLabelledBy', 'headers'];

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
  visitElements(tree, (node) => {
    const id = node.properties.id;
    if (typeof id === 'string' && id !== '' && !map.has(id)) map.set(id, safeId(id, used));
  });
  return map;
}

/** The EPUB id for a `#fragment` of a document with this id map, if there is such an element. */
export function mapFragment(ids: ReadonlyMap<string, string>, fragment: string): string | undefined {
  return ids.get(fragment) ?? ids.get(decodeFragment(fragment));
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** rehype plugin: applies `file.data.epubIds` (else the chapter's own `idMapFor`). */
export default function rehypeEpubIds() {
  return (tree: Root, file: VFile): undefined => {
    const ids = file.data.epubIds ?? idMapFor(tree);
    const seen = new Set<string>();
    visitElements(tree, (node) => rewriteIds(node, ids, seen));
  };
}

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
