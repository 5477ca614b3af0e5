/** Runs epubcheck (Java) on an EPUB when Java and the epubcheck jar are installed. */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Debian's `epubcheck` package puts the jar here; EPUBCHECK_JAR overrides. */
const JARS = [process.env.EPUBCHECK_JAR, '/usr/share/java/epubcheck.jar', '/usr/share/epubcheck/epubcheck.jar'];

export interface EpubcheckMessage {
  severity: string;
  id: string;
  message: string;
  locations: string[];
}

/** The jar to run, or why epubcheck cannot run here. */
export function findEpubcheck(): { jar: string } | { missing: string } {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) return { missing: 'Java is not installed (apt-get install default-jre-headless epubcheck)' };
  const jar = JARS.find((j): j is string => Boolean(j) && existsSync(j!));
  if (!jar) return { missing: 'epubcheck is not installed (apt-get install epubcheck, or set EPUBCHECK_JAR)' };
  return { jar };
}

export async function epubcheck(jar: string, epub: string): Promise<{ messages: EpubcheckMessage[]; version: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'anthology-epubcheck-'));
  const out = path.join(dir, 'report.json');
  try {
    await new Promise<void>((resolve, reject) => {
      // epubcheck exits 1 when it finds errors; the report says which.
      execFile('java', ['-jar', jar, epub, '--json', out], { maxBuffer: 64 * 1024 * 1024 }, (error) => {
        if (existsSync(out)) resolve();
        else reject(error ?? new Error('epubcheck wrote no report'));
      });
    });
    const report = JSON.parse(await readFile(out, 'utf8')) as {
      checker: { checkerVersion: string };
      messages: { severity: string; ID: string; message: string; locations: { path: string; line: number; column: number }[] }[];
    };
    return {
      version: report.checker.checkerVersion,
      messages: report.messages.map((m) => ({
        severity: m.severity,
        id: m.ID,
        message: m.message,
        locations: m.locations.map((l) => `${l.path}:${l.line}:${l.column}`),
      })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
