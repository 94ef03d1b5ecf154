/**
 * What one read of watched files did: `changed` (a new, usable set is in use), `unchanged` (the files hold what is in
 * use), or `refused` (they cannot be read or used; what was in use, if anything, stays; `problem` says why).
 *
 * @example
 * ```ts
 * const outcome: ReloadOutcome = await watcher.reload();
 * if (outcome.result === 'refused') logger.error({ problem: outcome.problem }, 'kept the previous certificate');
 * ```
 */
export interface ReloadOutcome {
  readonly result: 'changed' | 'unchanged' | 'refused';
  readonly problem?: string;
}

/**
 * Runs the reads of a file watcher one at a time: a timer's read is skipped while another runs ({@link busy}); a
 * reload waits for the read under way and then reads again, so it sees files written before it was asked for.
 *
 * @example
 * ```ts
 * const reads = new SerialReads();
 * setInterval(() => reads.busy || void reads.run(() => readFiles()), 1_000);
 * await reads.run(() => readFiles()); // a reload
 * ```
 */
export class SerialReads {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Whether a read is running or waiting. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  run<T>(read: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const run = this.#tail.then(read).finally(() => {
      this.#pending -= 1;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
