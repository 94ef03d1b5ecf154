/**
 * Keys ordered by expiry time, earliest first: a binary min-heap in two parallel arrays (no object per entry).
 * `push` and `pop` cost O(log n); `peekTime` O(1). A key may be pushed more than once; the queue does not care.
 *
 * @example
 * ```ts
 * const queue = new ExpiryQueue();
 * queue.push('b', 2_000);
 * queue.push('a', 1_000);
 * queue.peekTime(); // 1000
 * queue.pop();      // 'a'
 * ```
 */
export class ExpiryQueue {
  readonly #times: number[] = [];
  readonly #keys: string[] = [];

  /** How many entries the queue holds. */
  get size(): number {
    return this.#times.length;
  }

  /** The earliest expiry time, or undefined when empty. */
  peekTime(): number | undefined {
    return this.#times[0];
  }

  /** Adds `key`, expiring at `time`. */
  push(key: string, time: number): void {
    const times = this.#times;
    const keys = this.#keys;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime <= time) break;
      times[i] = parentTime;
      keys[i] = keys[parent] as string;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  /** Removes the entry with the earliest expiry and returns its key (undefined when empty). */
  pop(): string | undefined {
    const times = this.#times;
    const keys = this.#keys;
    if (times.length === 0) return undefined;
    const top = keys[0];
    const lastTime = times.pop() as number;
    const lastKey = keys.pop() as string;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (times[right] as number) < (times[left] as number) ? right : left;
        const childTime = times[child] as number;
        if (childTime >= lastTime) break;
        times[i] = childTime;
        keys[i] = keys[child] as string;
        i = child;
      }
      times[i] = lastTime;
      keys[i] = lastKey;
    }
    return top;
  }
}
