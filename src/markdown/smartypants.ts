/**
 * remark plugin: typographic quotes, dashes and ellipses (`"a"` → `“a”`,
 * `--` → `–`) for articles in languages written with spaces. SmartyPants
 * guesses quote direction from the spaces around it, which Chinese and
 * Japanese do not have, so their articles are left as written.
 */
import type { Root } from 'mdast';
import remarkSmartypants from 'remark-smartypants';
import type { VFile } from 'vfile';

export default function remarkSmartypantsSpaced() {
  const transform = (remarkSmartypants as unknown as (options: object) => (tree: Root) => void)({ dashes: 'oldschool' });
  return (tree: Root, file: VFile): undefined => {
    if (/^(zh|ja|ko)\b/i.test(file.data.lang ?? '')) return;
    transform(tree);
  };
}
