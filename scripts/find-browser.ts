/**
 * Prints, as one line of JSON, the browser the PDF output would use:
 *   {"found":{"path":"/usr/bin/chromium","source":"system"},"searched":[…],"advice":"…"}
 * `found` is null when there is none. Exit status: 0 found, 2 none found,
 * 1 a browser named by PUPPETEER_EXECUTABLE_PATH (or --explicit) is missing.
 *
 * Used by scripts/setup.mjs, which cannot import TypeScript itself:
 *   node --import tsx scripts/find-browser.ts [--explicit /path/to/chrome]
 */
import { BrowserNotFoundError, browserAdvice, findBrowser } from '../src/browser/find.ts';

const args = process.argv.slice(2);
const explicitAt = args.indexOf('--explicit');
const explicitPath = explicitAt >= 0 ? args[explicitAt + 1] : undefined;

const searched: string[] = [];
try {
  const found = await findBrowser({ explicitPath, onSearch: (what) => searched.push(what) });
  process.stdout.write(`${JSON.stringify({ found, searched, advice: browserAdvice() })}\n`);
  process.exitCode = found ? 0 : 2;
} catch (error) {
  if (!(error instanceof BrowserNotFoundError)) throw error;
  process.stdout.write(
    `${JSON.stringify({ found: null, searched, advice: browserAdvice(), error: error.message })}\n`,
  );
  process.exitCode = 1;
}
