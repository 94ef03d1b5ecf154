import { RampartError } from '@rampart/core';

/**
 * Remembers one-time tokens. `claim` records a key until `expiresAt` and tells whether it was new. A shared store
 * (Redis) makes one-time use hold across replicas; the default is per process.
 */
export interface ReplayStore {
  /** True the first time `key` is claimed before `expiresAt`, false on any later claim. Throws when it cannot tell. */
  claim(key: string, expiresAt: Date): boolean | Promise<boolean>;
}

/**
 * A bounded in-memory {@link ReplayStore}. When full it first forgets expired entries; if every entry is still
 * live it fails closed (UNAVAILABLE) rather than forget one, which would let that token be replayed.
 *
 * @example
 * ```ts
 * const store = new InMemoryReplayStore(100_000);
 * await store.claim('https://issuer|jti-1', new Date(Date.now() + 60_000)); // true
 * await store.claim('https://issuer|jti-1', new Date(Date.now() + 60_000)); // false
 * ```
 */
export class InMemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, number>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, expiresAt: Date): boolean {
    const now = this.now();
    const until = this.#entries.get(key);
    if (until !== undefined && until > now) return false;
    if (until === undefined && this.#entries.size >= this.maxEntries) {
      for (const [k, t] of this.#entries) if (t <= now) this.#entries.delete(k);
      if (this.#entries.size >= this.maxEntries) {
        throw new RampartError('ERR_UNAVAILABLE', 'try again later', {
          reason: `replay store full (${this.maxEntries} live one-time tokens)`,
        });
      }
    }
    this.#entries.set(key, expiresAt.getTime());
    return true;
  }
}
