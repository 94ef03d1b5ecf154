import type { JwtSvid } from './jwt-svid.js';

/** How many (audience set, SPIFFE ID) entries the cache keeps at most; the oldest go first. */
const MAX_ENTRIES = 256;

/**
 * JWT-SVIDs by (audience set, SPIFFE ID), each until `refreshAt` says it should be fetched again, with one fetch in
 * flight per key (single-flight: concurrent callers share it). A failed fetch is not kept.
 *
 * @example
 * ```ts
 * const cache = new JwtSvidCache((svid) => svid.expiresAt.getTime() - 30_000);
 * const svid = await cache.get(['aud'], undefined, () => client.fetchJwtSvid({ audience: ['aud'] }));
 * ```
 */
export class JwtSvidCache {
  readonly #entries = new Map<string, { readonly svid: JwtSvid; readonly refreshAtMs: number }>();
  readonly #inFlight = new Map<string, Promise<JwtSvid>>();

  constructor(private readonly refreshAt: (svid: JwtSvid) => number) {}

  /** The cached SVID for the key while fresh; otherwise the fetch in flight, or a new one. */
  get(audience: readonly string[], spiffeId: string | undefined, fetch: () => Promise<JwtSvid>): Promise<JwtSvid> {
    const key = cacheKey(audience, spiffeId);
    const entry = this.#entries.get(key);
    if (entry !== undefined && Date.now() < entry.refreshAtMs) return Promise.resolve(entry.svid);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const started = fetch().then(
      (svid) => {
        this.#inFlight.delete(key);
        this.#store(key, svid);
        return svid;
      },
      (error: unknown) => {
        this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, started);
    return started;
  }

  /** How many entries are cached. */
  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }

  #store(key: string, svid: JwtSvid): void {
    this.#entries.delete(key);
    const now = Date.now();
    for (const [k, e] of this.#entries) if (e.svid.expiresAt.getTime() <= now) this.#entries.delete(k);
    while (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { svid, refreshAtMs: this.refreshAt(svid) });
  }
}

/** The same audiences in any order, repeated or not, are one key. */
function cacheKey(audience: readonly string[], spiffeId: string | undefined): string {
  return JSON.stringify([[...new Set(audience)].sort(), spiffeId ?? null]);
}
