import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { TrustedIssuer } from './issuer-registry.js';
import type { VerifiedToken } from './token-types.js';

/**
 * A cached verification: the result and what a hit must re-check.
 *
 * @example
 * ```ts
 * const entry: CachedVerification = { verified, issuer, audience: ['inventory'], exp: payload.exp };
 * ```
 */
export interface CachedVerification {
  readonly verified: VerifiedToken;
  readonly issuer: TrustedIssuer;
  /** `aud` as a list. */
  readonly audience: readonly string[];
  /** `exp` in seconds. */
  readonly exp: number;
  /** A JWT-SVID's key id (undefined for other tokens): a reuse checks that its trust domain's bundle still has the key. */
  readonly kid?: string | undefined;
}

/**
 * SHA-256 of a token, base64url. The cache key and the `tokenHash` of a {@link VerifiedToken}: the token itself is
 * never stored or logged.
 *
 * @example
 * ```ts
 * hashToken('eyJ...'); // 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg'
 * ```
 */
export function hashToken(token: string): string {
  // One-shot `crypto.hash` (Node 20.12+; we require 20.19) skips the Hash object: ~40 % cheaper than createHash().
  return hash('sha256', token, 'base64url');
}

/**
 * A bounded LRU of verified tokens keyed by {@link hashToken}, admitting a token from its second sighting. An entry
 * lives until the token's `exp` at the latest; the caller still checks `exp` against its clock (a hit at or past
 * `exp` counts as a miss) and the call's audience.
 *
 * Admission: a token offered for the first time is only noted in a doorkeeper (a Bloom filter of `max * 8` bits,
 * cleared after `max` new tokens, as in TinyLFU); the next offer of the same token stores it. A stream of tokens
 * that are each used once (a client minting one per call) then neither evicts the tokens in repeated use nor turns
 * every verification into an old-generation object for the GC to collect later. A false positive of the filter
 * (about 3 % when full) merely stores a token at its first offer. The per-connection memo (ADR 0008) does not go
 * through admission, so a client that reuses a token on its connection is unaffected.
 *
 * @example
 * ```ts
 * const cache = new VerifiedTokenCache(10_000, Date.now);
 * cache.set(hash, entry); // noted
 * cache.set(hash, entry); // stored
 * cache.get(hash);
 * ```
 */
export class VerifiedTokenCache {
  readonly #lru: LRUCache<string, CachedVerification>;
  readonly #now: () => number;
  readonly #doorkeeper: Doorkeeper;

  constructor(max: number, now: () => number) {
    this.#now = now;
    this.#lru = new LRUCache<string, CachedVerification>({ max, ttlResolution: 0, perf: { now } });
    this.#doorkeeper = new Doorkeeper(max);
  }

  get(hash: string): CachedVerification | undefined {
    return this.#lru.get(hash);
  }

  /**
   * Offers `entry`: stored until its `exp` when the token was offered before (since the doorkeeper was last
   * cleared), else only noted. An entry already at or past `exp` is never stored.
   */
  set(hash: string, entry: CachedVerification): void {
    const ttl = Math.floor(entry.exp * 1000 - this.#now());
    if (ttl > 0 && this.#doorkeeper.seenBefore(hash)) this.#lru.set(hash, entry, { ttl });
  }

  /** How many tokens are cached (expired ones may still count until they are evicted or looked up). */
  get size(): number {
    return this.#lru.size;
  }
}

/** base64url character code → its 6-bit value. */
const SEXTET = new Uint8Array(128);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries()) SEXTET[c.charCodeAt(0)] = i;

/**
 * A Bloom filter over token hashes (3 bit positions from the hash's first 72 bits, which SHA-256 spreads uniformly),
 * cleared once it noted as many new hashes as the cache holds. Never allocates per token.
 */
class Doorkeeper {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  readonly #limit: number;
  #noted = 0;

  constructor(capacity: number) {
    // 8 bits per entry (a power of two, 2^10 to 2^24) and 3 positions: ~3 % false positives when full.
    const size = 2 ** Math.min(24, Math.max(10, Math.ceil(Math.log2(capacity * 8))));
    this.#bits = new Uint32Array(size / 32);
    this.#mask = size - 1;
    this.#limit = capacity;
  }

  /** Whether `hash` was noted before; notes it when not. */
  seenBefore(hash: string): boolean {
    const a = this.#position(hash, 0);
    const b = this.#position(hash, 4);
    const c = this.#position(hash, 8);
    if (this.#has(a) && this.#has(b) && this.#has(c)) return true;
    if (this.#noted >= this.#limit) {
      this.#bits.fill(0);
      this.#noted = 0;
    }
    this.#noted += 1;
    this.#set(a);
    this.#set(b);
    this.#set(c);
    return false;
  }

  /** 24 bits from four base64url characters of the hash, starting at `at`. */
  #position(hash: string, at: number): number {
    const value =
      ((SEXTET[hash.charCodeAt(at) & 127] as number) << 18) |
      ((SEXTET[hash.charCodeAt(at + 1) & 127] as number) << 12) |
      ((SEXTET[hash.charCodeAt(at + 2) & 127] as number) << 6) |
      (SEXTET[hash.charCodeAt(at + 3) & 127] as number);
    return value & this.#mask;
  }

  #has(bit: number): boolean {
    return ((this.#bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
  }

  #set(bit: number): void {
    this.#bits[bit >>> 5] = (this.#bits[bit >>> 5] as number) | (1 << (bit & 31));
  }
}
