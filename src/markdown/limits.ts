/**
 * remark plugin: keeps nesting within what a page can show and the stack can
 * hold. Block quotes and lists nested more than `MAX_INDENT` levels deep are
 * set at that level (a deeper quote's content joins its parent quote, a
 * deeper list's items follow their parent item), so that their text keeps a
 * readable width; anything else nested deeper than `MAX_DEPTH` is flattened
 * to its text; raw HTML that opens more than `MAX_HTML_DEPTH` elements
 * without closing them is kept as text. Each deep structure is reported
 * once, at the line where it is cut.
 */
import type { ListItem, Nodes, Paragraph, Parents, Root, RootContent, Text } from 'mdast';
import type { VFile } from 'vfile';

/** Levels of block quotes and lists (counted together: each indents the text) shown as such. */
export const MAX_INDENT = 6;
export const MAX_DEPTH = 64;
export const MAX_HTML_DEPTH = 256;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

export default function remarkLimits() {
  return (tree: Root, file: VFile): undefined => {
    capIndent(tree, file);
    flattenDeep(tree, file);
    escapeDeepHtml(tree, file);
  };
}

/**
 * Block quotes and lists deeper than `MAX_INDENT`: a quote is replaced by its
 * content; a list inside a list item has its items moved after that item, in
 * order. A list directly in a quote at the limit is kept (one level more), its
 * own nested lists then join it. Iterative: quotes may be nested thousands deep.
 */
function capIndent(tree: Root, file: VFile): void {
  // `top`: the outermost quote or list of the chain, so that each deep structure is reported once, where it is cut.
  const stack: { node: Parents; indent: number; list?: Parents; top?: Nodes }[] = [{ node: tree, indent: 0 }];
  const reported = new Set<Nodes>();
  const report = (top: Nodes, node: Nodes) => {
    if (reported.has(top)) return;
    reported.add(top);
    file.message(
      `Unexpected block quotes or lists nested more than ${MAX_INDENT} levels deep: the deeper levels are set at level ${MAX_INDENT}, so that their text keeps a readable width. Nest less to keep the structure`,
      { place: node.position, ruleId: 'nesting-too-deep', source: 'limits' },
    );
  };
  while (stack.length) {
    const { node, indent, list, top } = stack.pop()!;
    const children = node.children as Nodes[];
    const lifted: ListItem[] = [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (!('children' in child)) continue;
      const indents = child.type === 'blockquote' || child.type === 'list';
      if (indents && indent + 1 > MAX_INDENT) {
        if (child.type === 'blockquote') {
          report(top ?? child, child);
          children.splice(i, 1, ...(child.children as Nodes[]));
          i--;
          continue;
        }
        if (child.type === 'list' && node.type === 'listItem' && list) {
          report(top ?? child, child);
          lifted.push(...child.children);
          children.splice(i, 1);
          i--;
          continue;
        }
      }
      const entry = { node: child as Parents, indent: indent + (indents ? 1 : 0), list: child.type === 'listItem' ? node : undefined, top: top ?? (indents ? child : undefined) };
      stack.push(entry);
    }
    if (lifted.length && list) {
      const siblings = list.children as RootContent[];
      siblings.splice(siblings.indexOf(node as RootContent) + 1, 0, ...lifted);
      for (const item of lifted) stack.push({ node: item, indent, list, top });
    }
  }
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
        (node.children as Nodes[])[i] = flattened(node, textOf(child), child.position);
        continue;
      }
      stack.push({ node: child as Parents, depth: depth + 1 });
    }
  }
}

/** The text of a cut node, as the node its parent may hold: a list keeps list items, a table rows of cells. */
function flattened(parent: Parents, text: string, position: Nodes['position']): Nodes {
  const value: Text = { type: 'text', value: text };
  const paragraph: Paragraph = { type: 'paragraph', children: [value], position };
  switch (parent.type) {
    case 'list':
      return { type: 'listItem', spread: false, children: [paragraph], position };
    case 'table':
      return { type: 'tableRow', children: [{ type: 'tableCell', children: [value] }], position };
    case 'tableRow':
      return { type: 'tableCell', children: [value], position };
    default:
      return isPhrasingParent(parent) ? value : paragraph;
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
