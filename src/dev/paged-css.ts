/**
 * Stylesheets for Paged.js (0.4), which reads selectors with an old CSS
 * parser and splits selector lists at every comma: a rule like
 * `.article-body :is(h2, h3) { break-after: avoid }` breaks it
 * ("' h3)' is not a valid selector"). The preview gives it the same rules
 * with the lists inside `:is()`, `:where()`, `:has()` and `:not()` written
 * out: `.a :is(b, c)` becomes `.a b, .a c`, `:not(b, c)` becomes
 * `:not(b):not(c)`. The meaning is the same (for the simple selectors the
 * templates use); the print itself keeps the original.
 */

/** The stylesheet with every selector list inside a pseudo-class written out. */
export function expandSelectorLists(css: string): string {
  let out = '';
  let prelude = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i]!;
    // Comments between rules are kept, comments inside a selector dropped; strings copied as they are.
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      const stop = end === -1 ? css.length : end + 2;
      if (prelude.trim() === '') {
        out += prelude + css.slice(i, stop);
        prelude = '';
      } else prelude += ' ';
      i = stop - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const stop = stringEnd(css, i);
      prelude += css.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (c === '{') {
      const trimmed = prelude.trim();
      out += (trimmed.startsWith('@') || trimmed === '' ? prelude : rewriteSelectorList(prelude)) + '{';
      prelude = '';
      continue;
    }
    if (c === '}' || c === ';') {
      out += prelude + c;
      prelude = '';
      continue;
    }
    prelude += c;
  }
  return out + prelude;
}

function stringEnd(s: string, start: number): number {
  const quote = s[start];
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === quote) return i + 1;
  }
  return s.length;
}

/** `a, b :is(c, d)` → `a, b c, b d` (leading and trailing white space kept). */
export function rewriteSelectorList(list: string): string {
  const lead = /^\s*/.exec(list)![0];
  const trail = /\s*$/.exec(list)![0];
  const selectors = splitTopLevel(list.trim()).flatMap((s) => expand(s.trim()));
  return lead + [...new Set(selectors)].join(', ') + trail;
}

/** One selector as the selectors it stands for, none with a list inside a pseudo-class. */
function expand(selector: string, depth = 0): string[] {
  if (depth > 20) return [selector];
  const pattern = /:(is|where|has|not)\(/gi;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(selector))) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(selector, open);
    if (close === -1) return [selector];
    const args = splitTopLevel(selector.slice(open + 1, close)).map((a) => a.trim());
    if (args.length < 2) continue;
    const before = selector.slice(0, m.index);
    const after = selector.slice(close + 1);
    const name = m[1]!.toLowerCase();
    if (name === 'not') return expand(before + args.map((a) => `:not(${a})`).join('') + after, depth + 1);
    // :is(a, b) and :where(a, b) stand for a or b; :has(a, b) for :has(a) or :has(b).
    const alternatives = name === 'has' ? args.map((a) => `:has(${a})`) : args.map((a) => `:is(${a})`);
    return alternatives.flatMap((alt) => expand(before + alt + after, depth + 1));
  }
  return [selector.replace(/:(?:is|where)\(([^(),]*)\)/gi, (whole, inner: string, at: number) => (atCompoundStart(selector, at) ? inner : whole))];
}

/** Whether `:is(x)` at `at` starts a compound selector, so that `x` can stand alone in its place. */
function atCompoundStart(selector: string, at: number): boolean {
  return at === 0 || /[\s>+~(]$/.test(selector.slice(0, at));
}

function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") i = stringEnd(s, i) - 1;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits at the commas that are not inside parentheses, brackets or strings. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") i = stringEnd(s, i) - 1;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}
