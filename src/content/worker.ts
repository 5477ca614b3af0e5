/**
 * A worker thread that processes articles: it builds its own Markdown
 * processor once and answers `{ id, source }` messages with `{ id, result }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BookContext } from '../markdown/data.ts';
import { createProcessor } from '../markdown/processor.ts';
import { processSource, type Source } from './process.ts';

interface Data {
  root: string;
  articles: [string, { slug: string }][];
  bookLang?: string;
  typography?: BookContext['typography'];
}

const data = workerData as Data;
const processor = createProcessor();
const context: BookContext = { root: data.root, articles: new Map(data.articles), assets: new Map(), typography: data.typography };

parentPort!.on('message', async ({ id, source }: { id: number; source: Source }) => {
  try {
    parentPort!.postMessage({ id, result: await processSource(processor, source, context, data.bookLang) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).stack ?? String(error) });
  }
});
