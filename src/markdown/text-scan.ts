/**
 * Text the reader reads, for plugins that find syntax in it (references,
 * citations): every text node outside code, math, links and diagrams, with
 * a way to replace it by other nodes, and the line and column of a place in it.
 */
import type { Element, ElementContent, Root, Text } from 'hast';

/** Elements whose text is not prose: syntax found there stays as it is. */
const SKIP = new Set(['a', 'code', 'pre', 'kbd', 'samp', 'math', 'svg', 'script', 'style', 'textarea']);

/** Calls `replace` on each prose text node; what it returns (if anything) takes the node's place. */
export function replaceText(tree: Root, replace: (node: Text) => ElementContent[] | undefined): void {
  const walk = (parent: Root | Element) => {
    const kids = parent.children as ElementContent[];
    for (let i = 0; i < kids.length; i++) {
      const child = kids[i]!;
      if (child.type === 'element') {
        if (!SKIP.has(child.tagName)) walk(child);
      } else if (child.type === 'text') {
        const replaced = replace(child);
        if (replaced) {
          kids.splice(i, 1, ...replaced);
          i += replaced.length - 1;
        }
      }
    }
  };
  walk(tree);
}

/** Line and column of the character at `offset` in a text node (its own start when it has no position). */
export function placeOf(node: Text, offset: number): { line: number; column: number } | undefined {
  const start = node.position?.start;
  if (!start) return undefined;
  const before = node.value.slice(0, offset).split('\n');
  return before.length > 1 ? { line: start.line + before.length - 1, column: before[before.length - 1]!.length + 1 } : { line: start.line, column: start.column + offset };
}

/** The part `from`–`to` of a text node, as a text node that keeps its place (for later messages). */
export function sliceText(node: Text, from: number, to?: number): Text {
  const place = placeOf(node, from);
  const text: Text = { type: 'text', value: node.value.slice(from, to) };
  if (place) text.position = { start: { ...place }, end: { ...place } };
  return text;
}
