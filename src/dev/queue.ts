/**
 * The dev server's build queue: one build at a time, the saves made during a
 * build gathered into one more build after it, and a running build
 * interrupted when the server closes.
 */

/** One build: the files whose change started it (none for the first); undefined when it was interrupted. */
export type BuildTask<R> = (changed: string[], signal: AbortSignal) => Promise<R | undefined>;

export class BuildQueue<R> {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private again = false;
  private changed = new Set<string>();
  private readonly waiting: ((report: R) => void)[] = [];
  private resolveFirst: (report: R) => void = () => {};
  private readonly firstReport = new Promise<R>((resolve) => (this.resolveFirst = resolve));

  constructor(private readonly task: BuildTask<R>) {}

  /** Aborted when the queue is closed; every build gets it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Builds now, or once more after the running build (however many saves come meanwhile). */
  schedule(files: readonly string[] = []): void {
    if (this.closed) return;
    for (const f of files) this.changed.add(f);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain();
  }

  /** Resolves with the report of the first build. */
  first(): Promise<R> {
    return this.firstReport;
  }

  /** Resolves with the report of the next build that finishes. */
  next(): Promise<R> {
    return new Promise<R>((resolve) => this.waiting.push(resolve));
  }

  /** Resolves when no build runs any more (the builds scheduled meanwhile included); undefined when none runs now. */
  idle(): Promise<void> | undefined {
    return this.running;
  }

  /** Interrupts the running build, schedules no more, and resolves once the build has stopped. */
  close(): Promise<void> {
    this.controller.abort();
    return this.running?.catch(() => {}) ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        const changed = [...this.changed];
        this.changed = new Set();
        const report = await this.task(changed, this.signal);
        if (report === undefined) continue;
        this.resolveFirst(report);
        for (const resolve of this.waiting.splice(0)) resolve(report);
      } while (this.again && !this.closed);
    } finally {
      this.running = undefined;
    }
  }
}
