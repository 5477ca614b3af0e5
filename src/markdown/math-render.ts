/**
 * rehype plugin: renders the math that `math.ts` read (`code.math-inline`,
 * `pre > code.math-display`) as MathML at build time, so that no output
 * needs a script to show it. A formula whose TeX cannot be read stays as
 * written, with a warning at its line and column.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { texToMathml } from './mathml.ts';

export default function rehypeMath() {
  return (tree: Root, file: VFile): undefined => {
    let equations = 0;
    const number = () => ++equations;
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return;
      const code = mathCode(node);
      if (!code) return;
      const display = node.tagName === 'pre';
      const tex = toString(code);
      const result = texToMathml(tex, display, number);
      if ('tagName' in result) {
        parent.children[index] = result;
        return 'skip';
      }
      const start = node.position?.start;
      const before = result.offset === undefined ? '' : tex.slice(0, result.offset);
      const lines = before.split('\n');
      // Inline math starts after its `$`; display math on the line after its `$$`.
      const line = start && (display ? start.line + lines.length : start.line + lines.length - 1);
      const column = start && (lines.length > 1 || display ? lines[lines.length - 1]!.length + 1 : start.column + 1 + before.length);
      file.message(`Cannot read the TeX of a formula: ${result.message}; it is shown as written. Fix the TeX (temml's reference lists what it supports)`, {
        place: line ? { line, column: column ?? 1 } : node.position,
        ruleId: 'math-invalid',
        source: 'math',
      });
      return 'skip';
    });
  };
}

function mathCode(node: Element): Element | undefined {
  const classes = (el: Element) => (Array.isArray(el.properties.className) ? el.properties.className.map(String) : []);
  if (node.tagName === 'code' && classes(node).includes('math-inline')) return node;
  if (node.tagName === 'pre') {
    const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
    if (code && classes(code).includes('math-display')) return code;
  }
  return undefined;
}
