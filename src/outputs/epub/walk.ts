/**
 * Visits the elements of a hast tree in document order, as unist-util-visit
 * does, but without its cost: it names a function after every node it
 * visits (for stack traces), which makes a walk about thirty times slower,
 * and the chapter stage walks every chapter of a book once per rule.
 *
 * The visitor may replace the element at `parent.children[index]` (the walk
 * goes on into the replacement), return `SKIP` to leave its children out,
 * or return an index to go on at (after removing the element: `index`).
 */
import type { Element, Root } from 'hast';

export const SKIP = 'skip';

export type ElementVisitor = (node: Element, index: number, parent: Root | Element) => typeof SKIP | number | undefined | void;

export function visitElements(parent: Root | Element, visitor: ElementVisitor): void {
  const children = parent.children;
  for (let index = 0; index < children.length; index++) {
    const node = children[index]!;
    if (node.type !== 'element') continue;
    const next = visitor(node, index, parent);
    if (typeof next === 'number') {
      index = next - 1;
      continue;
    }
    if (next === SKIP) continue;
    const current = children[index];
    if (current?.type === 'element') visitElements(current, visitor);
  }
}
