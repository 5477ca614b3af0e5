/**
 * The lost-text check on any book: builds it (every format) into a folder and
 * checks that every word of every article is in every output (see
 * test/helpers/lost-text.ts). For large real collections that the test
 * suite does not build, e.g. the weekly corpus:
 *
 *   node --import tsx scripts/lost-text.ts --articles ../shared/corpus/weekly --out /tmp/weekly
 *
 * Exits 1 when a word is missing anywhere, listing the words per article and output.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../src/build.ts';
import { describeLosses, lostText } from '../test/helpers/lost-text.ts';

const { values } = parseArgs({ options: { articles: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } } });
if (!values.articles || !values.out) {
  console.error('usage: node --import tsx scripts/lost-text.ts --articles DIR --out DIR [--config FILE]');
  process.exit(2);
}
const started = performance.now();
const result = await build({ articles: path.resolve(values.articles), out: path.resolve(values.out), config: values.config, cache: false });
if (!result.ok || !result.book) {
  console.error(result.diagnostics.report().join('\n'));
  process.exit(1);
}
const { losses, words } = lostText({ book: result.book, out: path.resolve(values.out) });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${result.book.articles.length} articles, ${words} words checked in every output (${seconds} s)`);
if (losses.length) {
  console.log(describeLosses(losses));
  process.exit(1);
}
console.log('nothing lost');
