/**
 * rehype plugin: warns about characters that none of the book's fonts has
 * (a rare Chinese character of CJK Extension B, a script without a bundled
 * font), naming them and their lines: the PDFs would set them in whatever
 * system font the printing machine has, or print an empty box, and e-readers
 * in their own fonts, if they have one.
 */
import type { Root, Text } from 'hast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { fontCoverage } from '../assets/coverage.ts';

/** Invisible or joining characters that need no glyph of their own: format controls, variation selectors, emoji tags. */
const NO_GLYPH = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s\u{FE00}-\u{FE0F}\u{E0020}-\u{E007F}\u{E0100}-\u{E01EF}]/u;

/** Characters listed in one message, at most. */
const LIST = 12;

export default function rehypeFontCoverage() {
  return (tree: Root, file: VFile): undefined => {
    const covered = fontCoverage();
    const missing = new Map<string, { line?: number; column?: number }>();
    visit(tree, 'text', (node: Text) => {
      for (const ch of node.value) {
        if (missing.has(ch) || covered.has(ch.codePointAt(0)!) || NO_GLYPH.test(ch)) continue;
        missing.set(ch, { line: node.position?.start.line, column: node.position?.start.column });
      }
    });
    if (!missing.size) return;
    const entries = [...missing];
    const listed = entries
      .slice(0, LIST)
      .map(([ch, at]) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}${at.line ? `, line ${at.line}` : ''})`)
      .join(', ');
    const more = entries.length > LIST ? ` and ${entries.length - LIST} more` : '';
    const [, first] = entries[0]!;
    file.message(
      `Unexpected ${entries.length === 1 ? 'character' : `${entries.length} characters`} that none of the book's fonts has: ${listed}${more}. The PDFs set ${entries.length === 1 ? 'it' : 'them'} in a font of the printing machine if it has one, else an empty box; e-readers use their own fonts`,
      { place: first.line ? { line: first.line, column: first.column ?? 1 } : undefined, ruleId: 'font-missing', source: 'fonts' },
    );
  };
}
