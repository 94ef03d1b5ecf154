import { RampartError } from '@rampart/core';
import { ExpiryQueue } from './expiry-queue.js';

/**
 * Remembers one-time tokens. `claim` records a key until `expiresAt` and tells whether it was new. A shared store
 * (Redis) makes one-time use hold across replicas; the default is per process.
 *
 * The one-time stage passes the last moment the token can be accepted: its `exp` plus the verifier's clock
 * tolerance (ADR 0016). A store must keep the key at least that long, or a replay fits in between.
 */
export interface ReplayStore {
  /** True the first time `key` is claimed before `expiresAt`, false on any later claim. Throws when it cannot tell. */
  claim(key: string, expiresAt: Date): boolean | Promise<boolean>;
}

/** Expired entries forgotten on every claim, so memory follows the live entries without a timer or a full scan. */
const FORGET_PER_CLAIM = 2;

/**
 * A bounded in-memory {@link ReplayStore}. Entries are also kept in expiry order, so forgetting expired ones costs
 * O(log n) each, never a scan: every claim forgets up to two expired entries, and a claim that finds the store
 * full forgets expired ones until there is room. If every entry is still live it fails closed (UNAVAILABLE) rather
 * than forget one, which would let that token be replayed (ADR 0017).
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
  readonly #byExpiry = new ExpiryQueue();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many keys the store holds (live ones, and expired ones not forgotten yet). */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, expiresAt: Date): boolean {
    const now = this.now();
    const until = this.#entries.get(key);
    if (until !== undefined && until > now) return false;
    this.#forgetExpired(now, FORGET_PER_CLAIM);
    if (until === undefined && this.#entries.size >= this.maxEntries) {
      this.#forgetExpired(now, Number.POSITIVE_INFINITY);
      if (this.#entries.size >= this.maxEntries) {
        throw new RampartError('ERR_UNAVAILABLE', 'try again later', {
          reason: `replay store full (${this.maxEntries} live one-time tokens)`,
        });
      }
    }
    const time = expiresAt.getTime();
    this.#entries.set(key, time);
    this.#byExpiry.push(key, time);
    return true;
  }

  /**
   * Forgets expired entries, earliest first, until `budget` queue entries were taken or, when the budget is
   * unlimited, until the store has room. A queue entry whose key was claimed again since (an expired key reused)
   * no longer matches the map and is dropped without touching the newer entry.
   */
  #forgetExpired(now: number, budget: number): void {
    const queue = this.#byExpiry;
    let taken = 0;
    while (taken < budget) {
      const time = queue.peekTime();
      if (time === undefined || time > now) return;
      if (budget === Number.POSITIVE_INFINITY && this.#entries.size < this.maxEntries) return;
      const key = queue.pop() as string;
      taken += 1;
      if (this.#entries.get(key) === time) this.#entries.delete(key);
    }
  }
}
