/**
 * remark plugin: math written as `$…$` and `$$…$$` is kept exactly as
 * written (`\,` included), as the text of `<code class="language-math
 * math-inline">` and `<pre><code class="language-math math-display">` (the
 * classes remark-math gives it and MathML renderers look for), until math is
 * rendered. remark-math reads `$$…$$`; single dollars are read here by TeX's
 * and Pandoc's rules, so that amounts of money stay text: the opening `$` is
 * followed by a non-space, the next unescaped `$` closes, and it must follow
 * a non-space and not be followed by a digit (`$5 and $10`, `$3-$4` are
 * text); a code span inside ends the attempt (code spans come first).
 */
import type { Code, Construct, Effects, Extension, State, TokenizeContext } from 'micromark-util-types';
import remarkMath from 'remark-math';
import type { Processor } from 'unified';

// The token types remark-math's own construct makes, which its resolver and mdast-util-math read.
declare module 'micromark-util-types' {
  interface TokenTypeMap {
    mathText: 'mathText';
    mathTextData: 'mathTextData';
    mathTextSequence: 'mathTextSequence';
  }
}

const DOLLAR = 36;
const BACKSLASH = 92;
const BACKTICK = 96;

export default function remarkMathAsWritten(this: Processor) {
  remarkMath.call(this, { singleDollarTextMath: false });
  const data = this.data();
  const extensions = (data.micromarkExtensions ?? []) as Extension[];
  // remark-math's construct for `$`: its resolver and `previous` check are reused, its tokenizer is not.
  const theirs = extensions.map((e) => e.text?.[DOLLAR]).find((c): c is Construct => Boolean(c) && !Array.isArray(c));
  if (!theirs) throw new Error('remark-math did not register its math (text) construct');
  const single: Construct = { name: 'mathTextSingle', tokenize: tokenizeSingleDollar, resolve: theirs.resolve, previous: theirs.previous };
  extensions.push({ text: { [DOLLAR]: single } });
  data.micromarkExtensions = extensions;
}

const isLineEnding = (code: Code) => code !== null && code < -2;
const isSpace = (code: Code) => code === -2 || code === -1 || code === 32;
const isDigit = (code: Code) => code !== null && code >= 48 && code <= 57;

function tokenizeSingleDollar(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  let afterSpace = false;
  return start;

  function start(code: Code): State | undefined {
    effects.enter('mathText');
    effects.enter('mathTextSequence');
    effects.consume(code);
    effects.exit('mathTextSequence');
    return open;
  }

  /** Right after the opening `$`: a non-space (a second `$` is remark-math's `$$`). */
  function open(code: Code): State | undefined {
    if (code === null || code === DOLLAR || isSpace(code) || isLineEnding(code)) return nok(code);
    return between(code);
  }

  function between(code: Code): State | undefined {
    // A code span takes precedence, as over every other inline construct.
    if (code === null || code === BACKTICK) return nok(code);
    if (code === DOLLAR) {
      if (afterSpace) return nok(code);
      effects.enter('mathTextSequence');
      effects.consume(code);
      effects.exit('mathTextSequence');
      return close;
    }
    if (isSpace(code) || isLineEnding(code)) {
      const type = isSpace(code) ? 'space' : 'lineEnding';
      effects.enter(type);
      effects.consume(code);
      effects.exit(type);
      afterSpace = true;
      return between;
    }
    effects.enter('mathTextData');
    return data(code);
  }

  function data(code: Code): State | undefined {
    if (code === null || code === DOLLAR || code === BACKTICK || isSpace(code) || isLineEnding(code)) {
      effects.exit('mathTextData');
      return between(code);
    }
    afterSpace = false;
    effects.consume(code);
    return code === BACKSLASH ? escaped : data;
  }

  /** After a backslash: `\$` and `\\` are TeX, the next character is part of the math. */
  function escaped(code: Code): State | undefined {
    if (code === null || isLineEnding(code) || isSpace(code)) return data(code);
    effects.consume(code);
    return data;
  }

  /** After the closing `$`: not a digit (`$5 and $10` is money). */
  function close(code: Code): State | undefined {
    if (isDigit(code)) return nok(code);
    effects.exit('mathText');
    return ok(code);
  }
}
