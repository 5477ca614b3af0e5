/** Processes on Linux, read from /proc: for tests that check nothing is left running. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** The pid and all its descendants, from /proc (Linux). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Waits until none of the pids is running (gone, or a zombie waiting for init). */
export async function expectAllGone(pids: number[], withinMs = 5_000): Promise<void> {
  const alive = () => pids.filter((pid) => {
    const state = procState(pid);
    return state !== undefined && state !== 'Z' && state !== 'X';
  });
  const deadline = Date.now() + withinMs;
  while (alive().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(alive()).toEqual([]);
}
