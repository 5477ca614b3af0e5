/**
 * rehype plugin: captions of tables and diagrams, in Pandoc's syntax: a
 * paragraph that starts with `: ` (or `Table: `), right before or after a
 * table, becomes the table's `<caption>`; right after a ```` ```mermaid ````
 * block, it makes the diagram a `<figure>` with that `<figcaption>`. An id
 * at the caption's end (`: 每行字数 {#tbl:measure}`) becomes the table's or
 * figure's, for references (numbering.ts).
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { h } from 'hastscript';

const CAPTION_START = /^\s*(?:Table)?\s*[:：][ \t]*/;
const ID_AT_END = /\s*\{#([A-Za-z][\w:.-]*)\}\s*$/;

export default function rehypeCaptions() {
  return (tree: Root): undefined => {
    walk(tree);
  };
}

function walk(parent: Root | Element): void {
  const kids = parent.children as RootContent[];
  for (let i = 0; i < kids.length; i++) {
    const node = kids[i]!;
    if (node.type !== 'element') continue;
    if (node.tagName !== 'p' || !isCaption(node)) {
      walk(node);
      continue;
    }
    const before = sibling(kids, i, -1);
    const after = sibling(kids, i, 1);
    const target = [before, after].find((s) => s && s.node.tagName === 'table') ?? (before && isDiagram(before.node) ? before : undefined);
    if (!target) continue;
    const { content, id } = captionContent(node);
    if (target.node.tagName === 'table') {
      target.node.children.unshift(h('caption', content));
      if (id) target.node.properties.id = id;
    } else {
      kids[target.index] = h('figure', { className: ['diagram-figure'], ...(id ? { id } : {}) }, [target.node, h('figcaption', content)]);
    }
    // The caption paragraph (and the line break before it) is gone.
    kids.splice(i, 1);
    if (kids[i - 1]?.type === 'text' && !(kids[i - 1] as { value: string }).value.trim()) kids.splice(i - 1, 1);
    i = Math.max(-1, i - 2);
  }
}

function isCaption(p: Element): boolean {
  const first = p.children[0];
  return first?.type === 'text' && CAPTION_START.test(first.value) && /^\s*(?:Table\s*)?[:：]/.test(first.value);
}

/** A ```mermaid block, as the processor leaves it for the diagram step. */
export function isDiagram(node: Element): boolean {
  if (node.tagName !== 'pre') return false;
  const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  return Boolean(code && Array.isArray(code.properties.className) && code.properties.className.includes('language-mermaid'));
}

function sibling(kids: RootContent[], i: number, step: 1 | -1): { node: Element; index: number } | undefined {
  for (let j = i + step; j >= 0 && j < kids.length; j += step) {
    const k = kids[j]!;
    if (k.type === 'text' && !k.value.trim()) continue;
    return k.type === 'element' ? { node: k, index: j } : undefined;
  }
  return undefined;
}

function captionContent(p: Element): { content: ElementContent[]; id?: string } {
  const content = structuredClone(p.children);
  const first = content[0] as { value: string };
  first.value = first.value.replace(CAPTION_START, '');
  let id: string | undefined;
  const last = content[content.length - 1];
  if (last?.type === 'text') {
    const m = ID_AT_END.exec(last.value);
    if (m) {
      id = m[1];
      last.value = last.value.slice(0, m.index);
    }
  }
  return { content: content.filter((c) => !(c.type === 'text' && c.value === '')), id };
}
