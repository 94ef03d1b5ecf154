/** The size and refill rate of a bucket. */
export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * Where token buckets are kept: in this process ({@link MemoryBuckets}) or in Redis (shared by replicas).
 *
 * @example
 * ```ts
 * const wait = await store.take('/acme.Orders/PlaceOrder', 'https://issuer.example alice', { capacity: 20, refillPerSecond: 5 }, performance.now());
 * if (wait > 0) refuse(wait); // no token: one is available in `wait` ms
 * ```
 */
export interface BucketStore {
  /**
   * Takes one token from the bucket `bucket` of `key`, creating it full if it does not exist. Returns 0 when a token
   * was taken, else the milliseconds (at least 1) until one is available. `now` is the caller's clock in ms
   * (`performance.now()`); a store with a clock of its own (Redis) uses that instead. A promise when the store is
   * remote; it rejects when the store cannot answer.
   */
  take(bucket: string, key: string, limit: BucketLimit, now: number): number | Promise<number>;
}

/** A bucket: its tokens when last seen, and when (ms). */
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets in memory, at most `maxKeys` of them: the least recently used bucket goes when a new one would pass
 * the bound, so a flood of distinct keys cannot grow memory without limit. A bucket that goes comes back full, which
 * is what an idle bucket refills to anyway; only one in use among `maxKeys` others is refilled early. Each bucket holds
 * its key (at most 128 characters plus the bucket's name: longer keys are hashed) and two numbers.
 *
 * @example
 * ```ts
 * const buckets = new MemoryBuckets(100_000);
 * buckets.take('/acme.Orders/PlaceOrder', 'alice', { capacity: 2, refillPerSecond: 1 }, performance.now()); // 0
 * ```
 */
export class MemoryBuckets implements BucketStore {
  readonly #buckets = new Map<string, Bucket>();

  constructor(readonly maxKeys: number) {
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a whole number of 1 or more, got ${maxKeys}`);
  }

  /** How many buckets are kept now. */
  get size(): number {
    return this.#buckets.size;
  }

  take(bucket: string, key: string, limit: BucketLimit, now: number): number {
    const id = key === '' ? bucket : `${bucket}\n${key}`;
    const buckets = this.#buckets;
    let state = buckets.get(id);
    if (state === undefined) {
      if (buckets.size >= this.maxKeys) buckets.delete(buckets.keys().next().value as string);
      state = { tokens: limit.capacity, at: now };
    } else {
      // Moved to the end: the map's order is the order of last use, its first entry the one to drop.
      buckets.delete(id);
      const elapsed = now - state.at;
      if (elapsed > 0) {
        state.tokens = Math.min(limit.capacity, state.tokens + (elapsed * limit.refillPerSecond) / 1000);
        state.at = now;
      }
    }
    buckets.set(id, state);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - state.tokens) * 1000) / limit.refillPerSecond));
  }
}
