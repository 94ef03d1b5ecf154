import { RampartError, type Logger } from '@rampart/core';
import { LRUCache } from 'lru-cache';
import type { TokenResponse } from './token-endpoint.js';

/** Refresh and retry timing of a token cache. */
export interface TokenCacheTiming {
  /** Refresh when this fraction of a token's lifetime is left (default 0.3). */
  readonly refreshWhenLeft: number;
  /** Up to this fraction of the lifetime earlier, at random, so replicas do not refresh in step (default 0.1). */
  readonly jitter: number;
  /** A token this close to expiry is not handed out any more, in ms (default 5000). */
  readonly expirySafetyMs: number;
  /**
   * First wait after a failed request, doubled per failure up to `maxBackoffMs` (defaults 250 and 5 000), each wait
   * shortened by up to half at random so that the workloads an issuer outage hit do not come back in step. The cap
   * bounds how long calls keep failing once the issuer is back (`pnpm chaos`: with 30 000, calls failed for 13-20 s
   * after a 45 s outage ended).
   */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_TOKEN_CACHE_TIMING: TokenCacheTiming = {
  refreshWhenLeft: 0.3,
  jitter: 0.1,
  expirySafetyMs: 5_000,
  initialBackoffMs: 250,
  maxBackoffMs: 5_000,
};

/**
 * Most tokens a {@link TokenCache} keeps by default: one per audience for client credentials, one per caller token
 * and audience for token exchange.
 *
 * @example
 * ```ts
 * new TokenCache(DEFAULT_TOKEN_CACHE_TIMING, Date.now, Math.random, logger, DEFAULT_TOKEN_CACHE_MAX_ENTRIES);
 * ```
 */
export const DEFAULT_TOKEN_CACHE_MAX_ENTRIES = 10_000;

interface Slot {
  token: TokenResponse | undefined;
  refreshAt: number;
  inflight: Promise<TokenResponse> | undefined;
  failures: number;
  retryAt: number;
  lastError: RampartError | undefined;
}

/**
 * Tokens by key (an audience, or a subject token and audience), each fetched by at most one request at a time
 * however many callers wait (single-flight), refreshed in the background before it expires (with jitter) while the
 * current one keeps serving, and retried with exponential backoff after a failure. When no usable token is left and
 * the issuer cannot be reached, callers get a clear UNAVAILABLE error at once instead of piling up requests.
 *
 * At most `maxEntries` keys are kept; past that the least recently used one is forgotten (a caller asking for it
 * again gets a new token), so a service that exchanges the tokens of many distinct callers holds bounded memory.
 *
 * @example
 * ```ts
 * const cache = new TokenCache(DEFAULT_TOKEN_CACHE_TIMING, Date.now, Math.random, logger, 1_000);
 * const token = await cache.get('cc|inventory', () => requestToken(...));
 * ```
 */
export class TokenCache {
  readonly #slots: LRUCache<string, Slot>;

  constructor(
    private readonly timing: TokenCacheTiming = DEFAULT_TOKEN_CACHE_TIMING,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
    private readonly logger?: Logger,
    maxEntries: number = DEFAULT_TOKEN_CACHE_MAX_ENTRIES,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RampartError('ERR_CONFIG_INVALID', `the token cache needs room for at least 1 token (maxEntries ${String(maxEntries)})`);
    }
    this.#slots = new LRUCache<string, Slot>({ max: maxEntries });
  }

  /** How many keys the cache holds (at most its `maxEntries`). */
  get size(): number {
    return this.#slots.size;
  }

  /** A usable token for `key`, fetching it with `fetch` when needed. */
  async get(key: string, fetch: () => Promise<TokenResponse>): Promise<string> {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = { token: undefined, refreshAt: 0, inflight: undefined, failures: 0, retryAt: 0, lastError: undefined };
      this.#slots.set(key, slot);
    }
    const now = this.now();
    const token = slot.token;
    if (token !== undefined && now < token.expiresAt - this.timing.expirySafetyMs) {
      if (now >= slot.refreshAt && now >= slot.retryAt && slot.inflight === undefined) {
        this.#fetch(slot, fetch).catch((error: unknown) =>
          this.logger?.warn({ err: error }, 'token refresh failed; the current token keeps serving until it expires'),
        );
      }
      return token.accessToken;
    }
    if (slot.inflight !== undefined) return (await slot.inflight).accessToken;
    if (now < slot.retryAt && slot.lastError !== undefined) throw slot.lastError;
    return (await this.#fetch(slot, fetch)).accessToken;
  }

  /** Forgets every token (e.g. after a certificate rotation). */
  clear(): void {
    this.#slots.clear();
  }

  #fetch(slot: Slot, fetch: () => Promise<TokenResponse>): Promise<TokenResponse> {
    const started = this.now();
    const inflight = fetch().then(
      (token) => {
        const lifetime = Math.max(token.expiresAt - started, 0);
        const early = lifetime * (this.timing.refreshWhenLeft + this.timing.jitter * this.random());
        slot.token = token;
        slot.refreshAt = token.expiresAt - early;
        slot.failures = 0;
        slot.retryAt = 0;
        slot.lastError = undefined;
        return token;
      },
      (error: unknown) => {
        slot.failures += 1;
        const cap = Math.min(this.timing.initialBackoffMs * 2 ** (slot.failures - 1), this.timing.maxBackoffMs);
        const backoff = cap * (1 - 0.5 * this.random());
        slot.retryAt = this.now() + backoff;
        slot.lastError = RampartError.is(error) && error.code === 'ERR_UNAVAILABLE'
          ? error
          : new RampartError('ERR_UNAVAILABLE', 'token issuer unavailable', {
              reason: error instanceof Error ? error.message : String(error),
              cause: error,
            });
        throw slot.lastError;
      },
    );
    slot.inflight = inflight;
    const clear = (): void => {
      if (slot.inflight === inflight) slot.inflight = undefined;
    };
    inflight.then(clear, clear);
    return inflight;
  }
}
