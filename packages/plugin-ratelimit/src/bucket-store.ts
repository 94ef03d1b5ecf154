/** The size and refill rate of a bucket. */
export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * Where token buckets are kept: in this process ({@link MemoryBuckets}) or in Redis (shared by replicas). A bucket is
 * named by an id made once per caller with `idOf` (the limiter keeps it for the caller's principal or connection, so
 * a call does not build it again).
 *
 * @example
 * ```ts
 * const id = store.idOf('/acme.Orders/PlaceOrder', 'https://issuer.example alice');
 * const wait = await store.take(id, { capacity: 20, refillPerSecond: 5 }, performance.now());
 * if (wait > 0) refuse(wait); // no token: one is available in `wait` ms
 * ```
 */
export interface BucketStore {
  /** The id of the bucket `bucket` (a limit's budget name) of `key` (whose it is). */
  idOf(bucket: string, key: string): string;
  /**
   * Takes one token from the bucket `id`, creating it full if it does not exist. Returns 0 when a token was taken,
   * else the milliseconds (at least 1) until one is available. `now` is the caller's clock in ms
   * (`performance.now()`); a store with a clock of its own (Redis) uses that instead. A promise when the store is
   * remote; it rejects when the store cannot answer.
   */
  take(id: string, limit: BucketLimit, now: number): number | Promise<number>;
}

/** A bucket: its tokens when last seen, and when (ms); `placed`: when it last went to the back of the order. */
interface Bucket {
  tokens: number;
  at: number;
  placed: number;
}

/**
 * Token buckets in memory, at most `maxKeys` of them: when a new one would pass the bound, the bucket at the front of
 * the order goes, one not used while `maxKeys / 2` others were placed (a bucket in use moves to the back once it is
 * that old, so a call pays for a move only now and then). A flood of distinct keys therefore cannot grow memory
 * without limit, nor push out a caller who keeps calling. A bucket that goes comes back full, which is what an idle
 * bucket refills to anyway. Each holds its id (a key of at most 128 characters, longer ones are hashed, and the
 * bucket's name) and three numbers.
 *
 * @example
 * ```ts
 * const buckets = new MemoryBuckets(100_000);
 * const id = buckets.idOf('/acme.Orders/PlaceOrder', 'alice');
 * buckets.take(id, { capacity: 2, refillPerSecond: 1 }, performance.now()); // 0
 * ```
 */
export class MemoryBuckets implements BucketStore {
  readonly #buckets = new Map<string, Bucket>();
  readonly #moveAfter: number;
  #placed = 0;

  constructor(readonly maxKeys: number) {
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a whole number of 1 or more, got ${maxKeys}`);
    this.#moveAfter = Math.floor(maxKeys / 2);
  }

  /** How many buckets are kept now. */
  get size(): number {
    return this.#buckets.size;
  }

  idOf(bucket: string, key: string): string {
    return key === '' ? bucket : `${bucket}\n${key}`;
  }

  take(id: string, limit: BucketLimit, now: number): number {
    const buckets = this.#buckets;
    let state = buckets.get(id);
    if (state === undefined) {
      if (buckets.size >= this.maxKeys) buckets.delete(buckets.keys().next().value as string);
      state = { tokens: limit.capacity, at: now, placed: ++this.#placed };
      buckets.set(id, state);
    } else {
      if (this.#placed - state.placed > this.#moveAfter) {
        // To the back: the map's order is the order of placing, its first entry the one to drop.
        buckets.delete(id);
        buckets.set(id, state);
        state.placed = ++this.#placed;
      }
      const elapsed = now - state.at;
      if (elapsed > 0) {
        state.tokens = Math.min(limit.capacity, state.tokens + (elapsed * limit.refillPerSecond) / 1000);
        state.at = now;
      }
    }
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - state.tokens) * 1000) / limit.refillPerSecond));
  }
}
