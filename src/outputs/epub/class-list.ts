/** An element's classes as a list of strings, whichever form its `className` has. */
import type { Element } from 'hast';

export function classList(node: Element): string[] {
  const c = node.properties.className;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? String(c).split(/\s+/).filter(Boolean) : [];
}
