/**
 * `npm run bench`: times the whole pipeline on 20, 100 and all articles of
 * ../shared/corpus/weekly (or a generated corpus when that folder is absent),
 * with peak memory of all processes (this one and every browser process),
 * pages per second against bare Puppeteer on the same machine, the
 * incremental cases, and pandoc on the same files when it is installed.
 *
 * Usage: npm run bench [-- --sizes 20,100,407] [--formats html,pdf,epub] [--no-pandoc]
 * Prints a Markdown table; paste it into docs/benchmarks.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildResult, type Format } from '../src/build.ts';
import { requireBrowser } from '../src/browser/find.ts';
import { closeBrowser, launchBrowser } from '../src/browser/launch.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20,100,407' },
    formats: { type: 'string', default: 'html,pdf,epub' },
    'no-pandoc': { type: 'boolean' },
    corpus: { type: 'string', default: path.resolve('..', 'shared', 'corpus', 'weekly') },
  },
});
const formats = values.formats!.split(',') as Format[];
const work = await mkdtemp(path.join(os.tmpdir(), 'anthology-bench-'));
const rows: string[][] = [];
const log = (s: string) => process.stderr.write(s + '\n');

/** Peak resident memory of this process and all its descendants, sampled every 100 ms. */
function memoryWatch(): () => number {
  let peak = 0;
  const sample = () => {
    const kids = new Map<number, number[]>();
    const rss = new Map<number, number>();
    for (const name of safeReaddir('/proc')) {
      const pid = Number(name);
      if (!pid) continue;
      try {
        const stat = readFileSyncSafe(`/proc/${pid}/stat`);
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ppid = Number(fields[1]);
        rss.set(pid, Number(fields[21]) * 4096);
        kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
      } catch {
        // The process ended meanwhile.
      }
    }
    let total = 0;
    const stack = [process.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      total += rss.get(pid) ?? 0;
      stack.push(...(kids.get(pid) ?? []));
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, 100);
  sample();
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function readFileSyncSafe(file: string): string {
  return readFileSync(file, 'utf8');
}

async function corpus(n: number): Promise<string> {
  const dir = path.join(work, `corpus-${n}`);
  await mkdir(dir, { recursive: true });
  if (existsSync(values.corpus!)) {
    const files = (await readdir(values.corpus!)).filter((f) => /^issue-\d+\.md$/.test(f)).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    // Images stripped, as in the issue's measurements, so nothing differs between tools.
    for (const f of files.slice(0, n)) {
      const text = await readFile(path.join(values.corpus!, f), 'utf8');
      await writeFile(path.join(dir, f), text.replace(/!\[[^\]]*\]\([^)]*\)/g, ''));
    }
  } else {
    for (let i = 1; i <= n; i++) {
      const paras = Array.from({ length: 30 }, (_, j) => `第 ${i} 篇第 ${j} 段：中文与 English 混排的文字，数字 ${i * j}。`.repeat(6));
      await writeFile(path.join(dir, `issue-${i}.md`), `# 生成的文章 ${i}\n\n## 小节\n\n${paras.join('\n\n')}\n`);
    }
  }
  return dir;
}

interface Run {
  result: BuildResult;
  seconds: number;
  peak: number;
}

async function run(articles: string, out: string, cacheDir: string | false, only: Format[] = formats): Promise<Run> {
  const stop = memoryWatch();
  const t0 = performance.now();
  const result = await build({ articles, out, formats: only, cache: cacheDir, cwd: work });
  const seconds = (performance.now() - t0) / 1000;
  const peak = stop();
  if (!result.ok) throw new Error(`build failed: ${result.diagnostics.report().slice(0, 5).join('\n')}`);
  return { result, seconds, peak };
}

const stage = (r: Run, name: string) => (r.result.timings.find((t) => t.stage === name)?.ms ?? 0) / 1000;
const gb = (bytes: number) => (bytes / 1024 ** 3).toFixed(2);
const anthologyPages = (r: Run) => r.result.files.find((f) => !f.path.includes('/') && f.path.endsWith('.pdf'))?.pages ?? 0;

/** Bare Puppeteer: short A5 documents printed two at a time, the practical limit here. */
async function barePuppeteerRate(): Promise<number> {
  const found = await requireBrowser();
  const browser = await launchBrowser({ executablePath: found.path });
  try {
    const html = `<html><body style="font: 11pt serif">${'<p>Lorem ipsum dolor sit amet, 中文混排的段落，用来填满一页纸。</p>'.repeat(40)}</body></html>`;
    const pagesPerDoc = 4;
    const docs = 40;
    const t0 = performance.now();
    let printed = 0;
    const worker = async () => {
      const page = await browser.newPage();
      while (printed < docs) {
        printed++;
        await page.setContent(html);
        await page.pdf({ format: 'A5' });
      }
      await page.close();
    };
    await Promise.all([worker(), worker()]);
    const seconds = (performance.now() - t0) / 1000;
    // Count the pages of one document to turn documents per second into pages per second.
    const page = await browser.newPage();
    await page.setContent(html);
    const pdf = await page.pdf({ format: 'A5' });
    const pages = (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length || pagesPerDoc;
    return (docs * pages) / seconds;
  } finally {
    await closeBrowser(browser);
  }
}

function pandoc(dir: string, files: string[]): { html?: number; epub?: number; epubErrors?: string } {
  if (values['no-pandoc'] || spawnSync('pandoc', ['--version']).status !== 0) return {};
  const out = path.join(work, 'pandoc');
  execFileSync('mkdir', ['-p', out]);
  let t0 = performance.now();
  for (const f of files) execFileSync('pandoc', ['-f', 'gfm', '-t', 'html', '-s', '--metadata', 'title=x', '-o', path.join(out, f + '.html'), path.join(dir, f)]);
  const html = (performance.now() - t0) / 1000;
  t0 = performance.now();
  execFileSync('pandoc', ['-f', 'gfm', '-o', path.join(out, 'book.epub'), '--metadata', 'title=Weekly', ...files.map((f) => path.join(dir, f))]);
  const epub = (performance.now() - t0) / 1000;
  return { html, epub };
}

log(`bench: working in ${work}`);
const bare = formats.includes('pdf') ? await barePuppeteerRate() : 0;
if (bare) log(`bench: bare Puppeteer prints ${bare.toFixed(1)} A5 pages/s here`);
const summary: Record<number, Run> = {};
for (const n of values.sizes!.split(',').map(Number)) {
  const dir = await corpus(n);
  const count = (await readdir(dir)).length;
  log(`bench: ${count} articles: full build…`);
  const cacheDir = path.join(work, `cache-${n}`);
  const out = path.join(work, `out-${n}`);
  const full = await run(dir, out, cacheDir);
  summary[n] = full;
  log(`bench: ${count} articles: nothing changed…`);
  const again = await run(dir, out, cacheDir);
  const first = (await readdir(dir)).sort()[Math.floor(count / 2)]!;
  await writeFile(path.join(dir, first), (await readFile(path.join(dir, first), 'utf8')) + '\n\n增加的一段文字，用来测一次增量构建。\n');
  log(`bench: ${count} articles: one article edited…`);
  const edited = await run(dir, out, cacheDir);
  // The website alone, from nothing (no cache): what pandoc's HTML is compared with.
  log(`bench: ${count} articles: the website alone, no cache…`);
  const html = await run(dir, path.join(work, `html-${n}`), false, ['html']);
  const p = pandoc(dir, await readdir(dir));
  const pages = anthologyPages(full);
  const pdfRate = pages && stage(full, 'pdf') ? pages / stage(full, 'pdf') : 0;
  rows.push([
    String(count),
    full.seconds.toFixed(1),
    stage(full, 'parse').toFixed(1),
    stage(full, 'html').toFixed(1),
    stage(full, 'pdf').toFixed(1),
    stage(full, 'epub').toFixed(1),
    gb(full.peak),
    pages ? `${pages} (${pdfRate.toFixed(1)}/s${bare ? `, ${((pdfRate / bare) * 100).toFixed(0)} %` : ''})` : '–',
    again.seconds.toFixed(1),
    `${edited.seconds.toFixed(1)} (${((edited.seconds / full.seconds) * 100).toFixed(0)} %)`,
    html.seconds.toFixed(1),
    p.html ? `${p.html.toFixed(1)} (${(p.html / html.seconds).toFixed(1)}×)` : 'not installed',
    p.epub ? `${p.epub.toFixed(1)} (${(p.epub / Math.max(stage(full, 'epub'), 0.01)).toFixed(1)}×)` : 'not installed',
  ]);
}

const header = ['articles', 'full build s', 'parse s', 'site s', 'pdf s', 'epub s', 'peak GB (all processes)', 'anthology pages (rate, vs bare)', 'no change s', 'one edit s (of full)', 'website alone, no cache s (with search)', 'pandoc HTML s (we are ×)', 'pandoc EPUB s (we are ×)'];
console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${gb(os.totalmem())} GB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
if (bare) console.log(`Bare Puppeteer on this machine: ${bare.toFixed(1)} A5 pages/s (2 pages at once).`);
console.log('');
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
const sizes = Object.keys(summary).map(Number).sort((a, b) => a - b);
if (sizes.length > 1) {
  const small = summary[sizes[0]!]!;
  const large = summary[sizes[sizes.length - 1]!]!;
  console.log(`\nGrowth: ${sizes[sizes.length - 1]} vs ${sizes[0]} articles: ×${(large.seconds / small.seconds).toFixed(1)} time, ×${(large.peak / small.peak).toFixed(1)} memory for ×${(sizes[sizes.length - 1]! / sizes[0]!).toFixed(1)} articles.`);
}
await rm(work, { recursive: true, force: true });
