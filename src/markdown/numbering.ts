/**
 * rehype plugin: numbers an article's figures and tables that have a
 * caption (1, 2, … each, in reading order), and makes `@fig:flow` and
 * `@tbl:cost` in the text (bare or in brackets, `[@fig:flow]`) links to
 * them. The words ("图 2", "Table 1") are written by the build in the
 * article's language (`data-label`, src/markdown/labels.ts), which can also
 * leave the numbers out (`numbering: false`). A reference to an id that no
 * figure or table has is a warning at its line, and stays as written.
 *
 * `@fig:` and `@tbl:` are Pandoc-crossref's prefixes: any other `@key` is a
 * citation (citations.ts), so a citation key cannot start with them.
 */
import type { Element, ElementContent, Root, Text } from 'hast';
import type { VFile } from 'vfile';
import { toString } from 'hast-util-to-string';
import { placeOf, replaceText, sliceText } from './text-scan.ts';

/** A caption that starts with its own label and number: 图一、图 1、表2、Figure 3、Fig. 4、Table IV. */
const NUMBERED_CAPTION = /^\s*(?:(?:图|圖|表)\s*(?:[0-9０-９]+|[一二三四五六七八九十百〇零]+)|(?:figure|fig\.|table)\s*(?:[0-9]+|[ivxlc]+\b))/i;

const REFERENCE = /(\[)?@((fig|tbl):[A-Za-z0-9_](?:[\w:.-]*[A-Za-z0-9_])?)(\])?/g;

export interface Numbered {
  kind: 'figure' | 'table';
  number: number;
}

export default function rehypeNumbering() {
  return (tree: Root, file: VFile): undefined => {
    const byId = new Map<string, Numbered>();
    const counts = { figure: 0, table: 0 };
    const visit = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        const caption = captionOf(child);
        if (caption) {
          const kind = child.tagName === 'table' ? 'table' : 'figure';
          const number = ++counts[kind];
          // A caption that already numbers itself (图一：…, Figure 3. …) keeps its own words, without a second label.
          if (!NUMBERED_CAPTION.test(toString(caption))) {
            caption.children.unshift(
              { type: 'element', tagName: 'span', properties: { className: ['caption-label'], dataLabel: kind, dataNumber: number }, children: [] },
            );
          }
          if (typeof child.properties.id === 'string') byId.set(child.properties.id, { kind, number });
        }
        visit(child);
      }
    };
    visit(tree);

    replaceText(tree, (node: Text) => {
      if (!node.value.includes('@fig:') && !node.value.includes('@tbl:')) return undefined;
      const out: ElementContent[] = [];
      let last = 0;
      for (const m of node.value.matchAll(REFERENCE)) {
        const [whole, open, id, , close] = m;
        const at = m.index + (open ? 1 : 0);
        if (!open && at > 0 && /[A-Za-z0-9_@.]/.test(node.value[at - 1]!)) continue;
        const bracketed = Boolean(open && close);
        const start = bracketed ? m.index : at;
        const text = bracketed ? whole : `@${id}`;
        const target = byId.get(id!);
        if (!target) {
          file.message(`Unexpected reference \`@${id}\`: no figure or table of this article has the id \`${id}\`. Give one its id after the caption (\`{#${id}}\`), or fix the reference`, {
            place: placeOf(node, start),
            ruleId: 'xref-unknown',
            source: 'numbering',
          });
          continue;
        }
        if (start > last) out.push(sliceText(node, last, start));
        out.push({
          type: 'element',
          tagName: 'a',
          properties: { href: `#${id}`, className: ['xref'], dataLabel: target.kind, dataNumber: target.number },
          children: [{ type: 'text', value: `@${id}` }],
        });
        last = start + text.length;
      }
      if (!out.length) return undefined;
      if (last < node.value.length) out.push(sliceText(node, last));
      return out;
    });
  };
}

/** The caption of a figure (`<figcaption>`) or a table (`<caption>`), if it has one with words. */
function captionOf(node: Element): Element | undefined {
  const tag = node.tagName === 'figure' ? 'figcaption' : node.tagName === 'table' ? 'caption' : undefined;
  if (!tag) return undefined;
  const caption = node.children.find((c): c is Element => c.type === 'element' && c.tagName === tag);
  return caption && caption.children.length ? caption : undefined;
}
