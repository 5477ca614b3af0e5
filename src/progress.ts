/**
 * Progress reporting: the build tells what it is doing; the CLI decides how
 * to show it (or not). Library users pass their own or none.
 */
export interface Progress {
  /** A stage starts (`parse`, `site`, `pdf`, `epub`), with the amount of work if known. */
  start(stage: string, total?: number): void;
  /** `done` units of the current stage are finished. */
  tick(stage: string, done: number, total?: number): void;
  /** The stage ended; `detail` is a short summary. */
  end(stage: string, detail?: string): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, end() {} };
