/**
 * remark plugin: typographic quotes, dashes and ellipses (`"a"` → `“a”`,
 * `--` → `–`) for articles in languages written with spaces. SmartyPants
 * guesses quote direction from the spaces around it, which Chinese and
 * Japanese do not have, so their articles are left as written. What the
 * author escaped (`\"`, `\-\-`, `&quot;`) stays literal, backticks are never
 * turned into quotes, and a line of only dashes (`--`) stays as it is
 * (CommonMark examples 12, 46 and 347 read the same with and without it).
 */
import type { Nodes, Parents, Root, Text } from 'mdast';
import remarkSmartypants from 'remark-smartypants';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { literalOffsets } from './escapes.ts';

/** The characters SmartyPants changes, each with a stand-in from the Private Use Area that it leaves alone. */
const STAND_INS: Readonly<Record<string, string>> = { '"': '\ue0f0', "'": '\ue0f1', '`': '\ue0f2', '-': '\ue0f3', '.': '\ue0f4' };
const BACK = new Map(Object.entries(STAND_INS).map(([c, s]) => [s, c]));
const STAND_IN = /[\ue0f0-\ue0f4]/g;

export default function remarkSmartypantsSpaced() {
  const transform = (remarkSmartypants as unknown as (options: object) => (tree: Root) => void)({ dashes: 'oldschool', backticks: false });
  return (tree: Root, file: VFile): undefined => {
    if (/^(zh|ja|ko)\b/i.test(file.data.lang ?? '')) return;
    // An article that already holds one of the stand-ins is curled without protection rather than changed.
    if (/[\ue0f0-\ue0f4]/.test(String(file.value))) return void transform(tree);
    const protectedNodes: Text[] = [];
    visit(tree, 'text', (node, _, parent) => {
      const keep = literalOffsets(node, file);
      if (parent) for (const at of dashLines(node, parent)) keep.add(at);
      if (keep.size === 0) return;
      let value = '';
      for (let i = 0; i < node.value.length; i++) value += (keep.has(i) && STAND_INS[node.value[i]!]) || node.value[i]!;
      node.value = value;
      protectedNodes.push(node);
    });
    transform(tree);
    for (const node of protectedNodes) node.value = node.value.replace(STAND_IN, (s) => BACK.get(s)!);
  };
}

/** Offsets of dashes that are alone on a line of their block (`--` between two lines is not a dash in a sentence). */
function dashLines(node: Text, parent: Parents): number[] {
  if (!node.value.includes('--')) return [];
  const siblings: Nodes[] = parent.children;
  const index = siblings.indexOf(node);
  const startsLine = index === 0 || siblings[index - 1]!.type === 'break';
  const endsLine = index === siblings.length - 1 || siblings[index + 1]!.type === 'break';
  const offsets: number[] = [];
  for (const m of node.value.matchAll(/^([ \t]*)(-{2,})[ \t]*$/gm)) {
    const end = m.index + m[0].length;
    if ((m.index > 0 || startsLine) && (end < node.value.length || endsLine)) {
      const at = m.index + m[1]!.length;
      for (let k = 0; k < m[2]!.length; k++) offsets.push(at + k);
    }
  }
  return offsets;
}
