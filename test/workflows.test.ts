import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const workflowsDir = path.join(root, '.github', 'workflows');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  'runs-on'?: unknown;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  name?: string;
  on?: Record<string, unknown> | string | string[];
  jobs?: Record<string, Job>;
}

const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const workflows = files.map((file) => {
  const doc = parseDocument(readFileSync(path.join(workflowsDir, file), 'utf8'));
  return { file, doc, workflow: doc.toJS() as Workflow };
});

const asList = (x: unknown): unknown[] => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const runs = (job: Job): string[] => (job.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
const usesStep = (job: Job, action: string): Step | undefined =>
  (job.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`));

describe('GitHub workflows', () => {
  it('exist and are valid YAML', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const { file, doc, workflow } of workflows) {
      expect(doc.errors, file).toEqual([]);
      expect(workflow.jobs, file).toBeTypeOf('object');
      for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
        expect(job['runs-on'], `${file}: ${id}`).toBeDefined();
        expect(job.steps?.length, `${file}: ${id}`).toBeGreaterThan(0);
        for (const step of job.steps ?? []) {
          expect(step.uses !== undefined || step.run !== undefined, `${file}: ${id}: a step does nothing`).toBe(true);
          // Actions are pinned to a version.
          if (step.uses) expect(step.uses, `${file}: ${id}`).toMatch(/^[\w.-]+\/[\w./-]+@\S+$/);
        }
      }
    }
  });

  const ci = workflows.find(({ workflow }) => workflow.jobs?.build && workflow.jobs.release);

  it('has a workflow with a build and a release job', () => {
    expect(ci, 'no workflow with jobs "build" and "release"').toBeDefined();
  });

  const wf = ci?.workflow ?? {};
  const build: Job = wf.jobs?.build ?? {};
  const release: Job = wf.jobs?.release ?? {};

  it('runs on pushes to any branch, on v* tags and on pull requests', () => {
    const on = wf.on as Record<string, { branches?: string[]; tags?: string[] } | null>;
    expect(on).toBeTypeOf('object');
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    // With a tags filter, branch pushes only run when branches are listed too.
    expect(on.push?.tags).toContain('v*');
    expect(on.push?.branches).toEqual(expect.arrayContaining(['**']));
  });

  it('builds on Ubuntu with Node 20, then tests, builds and uploads dist/', () => {
    expect(build['runs-on']).toBe('ubuntu-latest');
    expect(usesStep(build, 'actions/checkout')).toBeDefined();
    expect(String(usesStep(build, 'actions/setup-node')?.with?.['node-version'])).toBe('20');

    const commands = runs(build);
    const at = (command: string) => commands.findIndex((r) => r.split('\n').some((l) => l.trim() === command));
    expect(at('npm ci')).toBeGreaterThanOrEqual(0);
    expect(at('npm test')).toBeGreaterThan(at('npm ci'));
    expect(at('npm run build')).toBeGreaterThan(at('npm test'));

    const installs = commands.join('\n');
    for (const pkg of ['poppler-utils', 'qpdf', 'epubcheck', 'fonts-noto-cjk']) expect(installs).toContain(pkg);

    const upload = usesStep(build, 'actions/upload-artifact');
    expect(upload?.uses).toBe('actions/upload-artifact@v4');
    expect(String(upload?.with?.path).replace(/\/$/, '')).toBe('dist');
    const steps = build.steps ?? [];
    expect(steps.indexOf(upload!)).toBe(steps.length - 1);
  });

  it('releases tagged builds with the PDFs and the EPUB attached', () => {
    expect(release.if).toMatch(/startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/v'\s*\)/);
    expect(asList(release.needs)).toContain('build');
    expect(release.permissions?.contents).toBe('write');

    const download = usesStep(release, 'actions/download-artifact');
    const upload = usesStep(build, 'actions/upload-artifact');
    expect(download?.with?.name).toBe(upload?.with?.name);
    expect(String(download?.with?.path).replace(/\/$/, '')).toBe('dist');

    const publish = usesStep(release, 'softprops/action-gh-release');
    expect(publish?.uses).toBe('softprops/action-gh-release@v2');
    const attached = String(publish?.with?.files)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(attached).toEqual(expect.arrayContaining(['dist/*.pdf', 'dist/pdf/*.pdf', 'dist/*.epub']));
    expect(publish?.with?.fail_on_unmatched_files).toBe(false);
  });
});

describe('the sharded book workflow', () => {
  const sharded = workflows.find(({ workflow }) => workflow.jobs?.print && workflow.jobs.merge);
  const wf = sharded?.workflow ?? {};
  const jobs = wf.jobs ?? {};
  const plan: Job & { outputs?: Record<string, string> } = jobs.plan ?? {};
  const print: Job & { strategy?: { matrix?: Record<string, unknown> } } = jobs.print ?? {};
  const merge: Job = jobs.merge ?? {};

  it('exists, started by hand with the number of runners', () => {
    expect(sharded, 'no workflow with jobs "print" and "merge"').toBeDefined();
    const on = wf.on as { workflow_dispatch?: { inputs?: Record<string, { default?: string }> } };
    expect(on.workflow_dispatch?.inputs?.shards?.default).toMatch(/^\d+$/);
  });

  it('plans one print job per runner, and refuses a bad number', () => {
    const script = plan.steps?.find((s) => s.run?.includes('GITHUB_OUTPUT'))?.run;
    expect(script).toBeDefined();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'anthology-plan-'));
    try {
      let runsDone = 0;
      const runPlan = (shards: string) => {
        const output = path.join(tmp, `out-${++runsDone}`);
        writeFileSync(output, '');
        const r = spawnSync('bash', ['-e', '-c', script!], { env: { ...process.env, SHARDS: shards, GITHUB_OUTPUT: output }, encoding: 'utf8' });
        return { status: r.status, output: readFileSync(output, 'utf8'), stderr: r.stderr };
      };
      expect(runPlan('3')).toMatchObject({ status: 0, output: 'shards=[1,2,3]\n' });
      expect(runPlan('0').status).not.toBe(0);
      expect(runPlan('3; echo injected').stderr).toMatch(/whole number/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    expect(plan.outputs?.shards).toMatch(/steps\.plan\.outputs\.shards/);
  });

  it('prints part K of N on each runner and uploads it; the merge job takes every part', () => {
    expect(asList(print.needs)).toContain('plan');
    expect(String(print.strategy?.matrix?.shard)).toMatch(/fromJSON\(\s*needs\.plan\.outputs\.shards\s*\)/);
    const step = (print.steps ?? []).find((s) => s.run?.includes('--shard'));
    expect(step?.run).toBe('npm run build -- --shard "$SHARD" --out "$OUT"');
    expect(step?.env?.SHARD).toBe('${{ matrix.shard }}/${{ inputs.shards }}');
    const upload = usesStep(print, 'actions/upload-artifact');
    expect(upload?.with?.name).toBe('shard-${{ matrix.shard }}');
    expect(String(upload?.with?.path).replace(/\/$/, '')).toBe(step?.env?.OUT);
    // Same fonts on every runner as on the merging one.
    expect(runs(print).join('\n')).toContain('fonts-noto-cjk');
    expect(runs(merge).join('\n')).toContain('fonts-noto-cjk');

    expect(asList(merge.needs)).toContain('print');
    const download = usesStep(merge, 'actions/download-artifact');
    expect(download?.with?.pattern).toBe('shard-*');
    expect(download?.with?.['merge-multiple']).toBeUndefined();
    expect(runs(merge)).toContain(`npm run merge -- ${download?.with?.path}/shard-*`);
    const last = (merge.steps ?? []).at(-1);
    expect(last?.uses).toBe('actions/upload-artifact@v4');
    expect(String(last?.with?.path).replace(/\/$/, '')).toBe('dist');
    // The scripts the steps call exist.
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.merge).toBe('node bin/anthology.js merge');
    expect(pkg.scripts.build).toBe('node bin/anthology.js build');
  });
});

describe('.ci/run', () => {
  const script = path.join(root, '.ci', 'run');

  it('is an executable, strict bash script that sets up and runs the tests', () => {
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const text = readFileSync(script, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toContain('set -euo pipefail');
    const setup = text.indexOf('npm run setup -- --test');
    expect(setup).toBeGreaterThan(text.indexOf('apt-get update'));
    expect(text.indexOf('npm test')).toBeGreaterThan(setup);
    for (const pkg of ['chromium', 'fonts-noto-cjk', 'poppler-utils', 'qpdf', 'default-jre-headless', 'epubcheck']) {
      expect(text).toContain(pkg);
    }
  });
});
