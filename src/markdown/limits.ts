/**
 * remark plugin: keeps hostile structure from exhausting the stack. Markdown
 * nested deeper than `MAX_DEPTH` (block quotes in block quotes, lists in
 * lists) is flattened to its text, and raw HTML that opens more than
 * `MAX_HTML_DEPTH` elements without closing them is kept as text. Both are
 * reported; no real article comes near these limits.
 */
import type { Nodes, Parents, Root } from 'mdast';
import type { VFile } from 'vfile';

export const MAX_DEPTH = 64;
export const MAX_HTML_DEPTH = 256;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

export default function remarkLimits() {
  return (tree: Root, file: VFile): undefined => {
    flattenDeep(tree, file);
    escapeDeepHtml(tree, file);
  };
}

function flattenDeep(tree: Root, file: VFile): void {
  // Iterative walk: the tree may be far deeper than the stack allows recursion.
  const stack: { node: Parents; depth: number }[] = [{ node: tree, depth: 0 }];
  let reported = false;
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    for (let i = 0; i < node.children.length; i++) {
      const child = node.children[i] as Nodes;
      if (!('children' in child)) continue;
      if (depth + 1 >= MAX_DEPTH) {
        if (!reported) {
          file.message(`Unexpected nesting deeper than ${MAX_DEPTH} levels: the deeper part is kept as plain text`, {
            place: child.position,
            ruleId: 'nesting-too-deep',
            source: 'limits',
          });
          reported = true;
        }
        const text = textOf(child);
        const replacement = { type: 'paragraph', children: [{ type: 'text', value: text }], position: child.position } as const;
        (node.children as Nodes[])[i] = ('type' in node && isPhrasingParent(node) ? { type: 'text', value: text } : replacement) as Nodes;
        continue;
      }
      stack.push({ node: child as Parents, depth: depth + 1 });
    }
  }
}

function isPhrasingParent(node: Parents): boolean {
  return ['paragraph', 'heading', 'emphasis', 'strong', 'delete', 'link', 'linkReference', 'tableCell'].includes(node.type);
}

function textOf(node: Nodes): string {
  const parts: string[] = [];
  const stack: Nodes[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if ('value' in n && typeof n.value === 'string' && n.type !== 'html') parts.push(n.value);
    if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function escapeDeepHtml(tree: Root, file: VFile): void {
  const html: { node: Nodes & { type: 'html'; value: string }; parent: Parents; index: number }[] = [];
  const stack: Parents[] = [tree];
  while (stack.length) {
    const parent = stack.pop()!;
    parent.children.forEach((child, index) => {
      if (child.type === 'html') html.push({ node: child, parent, index });
      else if ('children' in child) stack.push(child);
    });
  }
  if (html.length === 0) return;
  // Document order, so open and close tags in different places are counted together.
  html.sort((a, b) => (a.node.position?.start.offset ?? 0) - (b.node.position?.start.offset ?? 0));
  let depth = 0;
  let max = 0;
  for (const { node } of html) {
    for (const m of node.value.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
      const name = m[2]!.toLowerCase();
      if (VOID.has(name) || m[3]) continue;
      depth = Math.max(0, depth + (m[1] ? -1 : 1));
      max = Math.max(max, depth);
    }
  }
  if (max <= MAX_HTML_DEPTH) return;
  file.message(`Unexpected raw HTML nested ${max} elements deep (more than ${MAX_HTML_DEPTH}): the article's raw HTML is kept as text`, {
    place: html[0]!.node.position,
    ruleId: 'nesting-too-deep',
    source: 'limits',
  });
  for (const { node, parent, index } of html) {
    (parent.children as Nodes[])[index] = { type: 'text', value: node.value, position: node.position };
  }
}
