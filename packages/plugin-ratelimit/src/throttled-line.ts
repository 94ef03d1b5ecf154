/**
 * Decides when a repeated event earns a log line: the first one at once, then at most one per `intervalMs`, each line
 * carrying how many events happened since the previous one. A flood of refused calls writes one line per interval,
 * not one per call.
 *
 * @example
 * ```ts
 * const line = new ThrottledLine(10_000);
 * const count = line.count(performance.now());
 * if (count > 0) logger.warn({ refused: count }, 'rate limit refusing calls');
 * ```
 */
export class ThrottledLine {
  #count = 0;
  #last = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  /** Counts one event at `now` (ms); returns the events since the last line when a line is due, else 0. */
  count(now: number): number {
    this.#count += 1;
    if (now - this.#last < this.intervalMs) return 0;
    const count = this.#count;
    this.#count = 0;
    this.#last = now;
    return count;
  }
}
