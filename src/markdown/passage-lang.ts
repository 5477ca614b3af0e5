/**
 * rehype plugin: marks a passage written in another script than its
 * article's with its language (`<blockquote lang="fi">` in a Chinese
 * article, `<p lang="zh">` in an English one), so that it is justified
 * between words and hyphenated by its own rules, set in its own fonts, and
 * read out in its own voice. The source's `lang` is kept; otherwise the
 * language is detected per block (a paragraph, quote, list item, cell,
 * heading…) of a few words or more whose letters are mostly in another script.
 */
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { PASSAGE_BLOCKS, proseText } from './prose.ts';
import { countScripts, detectLang, mainScript, scriptOfLang } from './script.ts';

/**
 * A passage needs this many letters (a CJK character counting four) to be
 * marked: a word or two alone is never spread over a justified line.
 */
const MIN_WEIGHT = 12;

export default function rehypePassageLang() {
  return (tree: Root, file: VFile): undefined => {
    const stack: { node: Root | Element; lang: string }[] = [{ node: tree, lang: file.data.lang ?? 'en' }];
    while (stack.length) {
      const { node, lang } = stack.pop()!;
      for (const child of node.children) {
        if (child.type !== 'element' || child.tagName === 'pre' || child.tagName === 'code') continue;
        let own = lang;
        const given = child.properties.lang;
        if (typeof given === 'string' && given) own = given;
        else if (PASSAGE_BLOCKS.has(child.tagName)) {
          const text = proseText(child);
          const counts = countScripts(text);
          const script = mainScript(counts);
          const weight = counts.cjk * 4 + counts.latin + counts.arabic + counts.hebrew + counts.cyrillic + counts.greek;
          // A Chinese sentence full of product names is still Chinese: a Latin passage has almost no CJK characters.
          const latinInCjk = script === 'latin' && scriptOfLang(lang) === 'cjk';
          if (script && weight >= MIN_WEIGHT && script !== scriptOfLang(lang) && !(latinInCjk && counts.cjk * 10 >= counts.latin)) {
            own = detectLang(text, script, counts);
            child.properties.lang = own;
          }
        }
        stack.push({ node: child, lang: own });
      }
    }
  };
}
