/**
 * Cleans SVG images before any output carries them: an SVG is a document
 * that can run scripts and load other files when opened on its own. Scripts,
 * event handlers, `<foreignObject>`, animation that can rewrite links, and
 * references to anything outside the image are removed; what remains is
 * well-formed XML (EPUB requires it).
 */
import type { Element, ElementContent, Root, RootContent } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { toXml } from 'xast-util-to-xml';

const DROP_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'embed', 'object', 'audio', 'video', 'handler', 'listener', 'set', 'animate', 'animatemotion', 'animatetransform', 'discard']);

export interface CleanResult {
  svg: string;
  /** What was removed, for a warning; empty when the image was clean. */
  removed: string[];
}

/** Throws when the file is not well-formed XML with an `<svg>` root. */
export function cleanSvg(source: string): CleanResult {
  const tree = fromXml(source.replace(/^\uFEFF/, ''));
  const removed = new Set<string>();
  const root = tree.children.find((c): c is Element => c.type === 'element');
  if (!root || localName(root.name) !== 'svg') throw new Error('not an SVG image (the root element is not <svg>)');
  // Doctypes can declare entities that expand or point at other files.
  tree.children = tree.children.filter((c) => {
    if (c.type === 'doctype' || c.type === 'instruction') {
      if (c.type === 'doctype') removed.add('doctype');
      return c.type !== 'doctype';
    }
    return true;
  });
  clean(tree, removed);
  return { svg: toXml(tree), removed: [...removed] };
}

function clean(parent: Root | Element, removed: Set<string>): void {
  // Iterative, so a hostile file nested very deep cannot exhaust the stack.
  const stack: (Root | Element)[] = [parent];
  while (stack.length) {
    const node = stack.pop()!;
    const kept: (RootContent | ElementContent)[] = [];
    for (const child of node.children) {
      if (child.type !== 'element') {
        kept.push(child);
        continue;
      }
      const name = localName(child.name).toLowerCase();
      if (DROP_ELEMENTS.has(name)) {
        removed.add(`<${name}>`);
        continue;
      }
      if (name === 'style') {
        const css = child.children.map((c) => ('value' in c ? c.value : '')).join('');
        if (/@import|url\s*\(\s*['"]?(?!#)|expression\s*\(|javascript:/i.test(css)) {
          removed.add('<style> with external references');
          continue;
        }
      }
      for (const [attr, value] of Object.entries(child.attributes)) {
        const a = attr.toLowerCase();
        const local = localName(a);
        const v = String(value ?? '');
        if (local.startsWith('on')) {
          delete child.attributes[attr];
          removed.add(`${attr} handler`);
        } else if ((local === 'href' || a === 'src') && !v.trim().startsWith('#') && !/^data:image\/(png|jpe?g|gif|webp);/i.test(v.trim())) {
          delete child.attributes[attr];
          removed.add(`external ${attr}`);
        } else if (/url\s*\(\s*['"]?(?!#)|javascript:|expression\s*\(/i.test(v) && (a === 'style' || /^(fill|stroke|filter|clip-path|mask|marker)/.test(a))) {
          delete child.attributes[attr];
          removed.add(`external reference in ${attr}`);
        }
      }
      kept.push(child);
      stack.push(child);
    }
    node.children = kept as typeof node.children;
  }
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i === -1 ? name : name.slice(i + 1);
}
