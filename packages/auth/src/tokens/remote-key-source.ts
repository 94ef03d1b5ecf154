import type { Logger } from '@rampart/core';
import { errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { withDeadline, type CallBounds } from './deadline.js';
import { discoverJwksUri } from './discovery.js';
import { fetchJson } from './fetch-json.js';
import { invalidToken, quote } from './token-errors.js';
import { KeySelection, type KeyHint, type KeySource, type LazyCall } from './key-source.js';
import type { TokenFetch } from './token-types.js';

/**
 * Timing, limits and plumbing for a {@link RemoteKeySource}.
 *
 * @example
 * ```ts
 * const settings: RemoteKeySettings = {
 *   timeoutMs: 5000, cooldownMs: 30_000, refreshMs: 600_000, retryBackoffMs: 5000,
 *   discoveryMaxBytes: 131_072, jwksMaxBytes: 524_288, fetch: undefined, logger: undefined, now: Date.now,
 * };
 * ```
 */
export interface RemoteKeySettings {
  /** The cap on one call's wait for keys, and the time budget of one discovery + JWKS fetch. */
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly refreshMs: number;
  readonly retryBackoffMs: number;
  readonly discoveryMaxBytes: number;
  readonly jwksMaxBytes: number;
  readonly fetch: TokenFetch | undefined;
  readonly logger: Logger | undefined;
  readonly now: () => number;
  /** Turns the fetched JSON into the key set to use (default: taken as a JWKS); throws when it is unusable. */
  readonly toKeySet?: (json: unknown) => JSONWebKeySet;
}

/**
 * An issuer's keys from a remote JWKS, found through OIDC discovery unless `jwksUri` is given (a discovered
 * `jwks_uri` must be HTTPS on the issuer's host or on one of `jwksHosts`). One fetch at a time, shared by every
 * waiting call, with a time budget of `timeoutMs` for discovery and JWKS together and size caps on both bodies; on
 * top:
 * - a call waits for a fetch at most until its own deadline, and never longer than `timeoutMs`;
 * - keys older than `refreshMs` are refreshed in the background; when that fails the cached keys keep serving;
 * - an unknown `kid` refetches once `cooldownMs` has passed since the last successful fetch, unless the last fetch
 *   failed less than `retryBackoffMs` ago (a down JWKS endpoint is not hammered by tokens with made-up `kid`s);
 * - a failed {@link RemoteKeySource.prefetch} (at start-up, the issuer often is not up yet) does not start that
 *   backoff: the first call fetches again, and only a failure a call ran into holds back the calls after it.
 *
 * @example
 * ```ts
 * const source = new RemoteKeySource('https://issuer.example', { jwksUri: undefined, jwksHosts: [] }, settings);
 * const key = await source.getKey(header, jws, () => ctx);
 * ```
 */
export class RemoteKeySource implements KeySource {
  readonly #issuer: string;
  readonly #jwksHosts: readonly string[];
  readonly #settings: RemoteKeySettings;
  #jwksUrl: URL | undefined;
  /** The current keys, and when they were fetched. */
  #keys: { selection: KeySelection; loadedAt: number } | undefined;
  #pending: Promise<void> | undefined;
  /** The last failed fetch; `prefetch`: made by {@link RemoteKeySource.prefetch}, not for a call. */
  #failure: { at: number; reason: string; prefetch: boolean } | undefined;

  constructor(issuer: string, where: { jwksUri: string | undefined; jwksHosts: readonly string[] }, settings: RemoteKeySettings) {
    this.#issuer = issuer;
    this.#jwksUrl = where.jwksUri === undefined ? undefined : new URL(where.jwksUri);
    this.#jwksHosts = where.jwksHosts;
    this.#settings = settings;
  }

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput, call?: LazyCall) {
    if (this.#keys === undefined) await this.#fetchNow(call?.());
    else if (this.#due()) this.#refreshInBackground();
    try {
      return await this.#selection().select(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.#coolingDown() || this.#inBackoff()) throw error;
      await this.#fetchNow(call?.());
      return this.#selection().select(header, token);
    }
  }

  keyNow(hint: KeyHint) {
    if (this.#keys === undefined) return undefined;
    if (this.#due()) this.#refreshInBackground();
    return this.#keys.selection.selected(hint);
  }

  trusts(kid: string): boolean {
    if (this.#due()) this.#refreshInBackground();
    return this.#keys?.selection.hasKid(kid) ?? false;
  }

  prefetch(signal?: AbortSignal): Promise<void> {
    return this.#fetchNow({ signal }, true);
  }

  #fetchNow(call: CallBounds | undefined, prefetch = false): Promise<void> {
    if (this.#inBackoff() && this.#failure !== undefined) {
      const wait = this.#failure.at + this.#settings.retryBackoffMs - this.#settings.now();
      return Promise.reject(invalidToken(`${this.#failure.reason}; next attempt in ${Math.max(wait, 0)} ms`));
    }
    return withDeadline(() => this.#reload(prefetch), this.#settings.timeoutMs, call, `JWKS fetch for ${quote(this.#issuer)}`);
  }

  #due(): boolean {
    return this.#keys !== undefined && this.#settings.now() - this.#keys.loadedAt >= this.#settings.refreshMs;
  }

  /** Whether the last successful fetch is too recent for an unknown `kid` to trigger another. */
  #coolingDown(): boolean {
    return this.#keys !== undefined && this.#settings.now() - this.#keys.loadedAt < this.#settings.cooldownMs;
  }

  #refreshInBackground(): void {
    if (this.#pending !== undefined || this.#inBackoff()) return;
    this.#reload().catch(() => undefined);
  }

  /** Whether a call's failed fetch was recent enough to hold back the next one (a failed prefetch never is). */
  #inBackoff(): boolean {
    const failure = this.#failure;
    return failure !== undefined && !failure.prefetch && this.#settings.now() - failure.at < this.#settings.retryBackoffMs;
  }

  /**
   * One discovery + JWKS fetch at a time, shared by every caller; records and logs the outcome. `prefetch`: this
   * fetch is the prefetch's, so its failure does not start the backoff (a call joining it shares its outcome).
   */
  #reload(prefetch = false): Promise<void> {
    this.#pending ??= this.#doReload(prefetch).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #doReload(prefetch: boolean): Promise<void> {
    const { timeoutMs, discoveryMaxBytes, jwksMaxBytes } = this.#settings;
    const fetch = this.#settings.fetch ?? globalThis.fetch;
    try {
      // One time budget for discovery and JWKS together, whoever waits for them (a call may stop waiting sooner).
      const signal = AbortSignal.timeout(timeoutMs);
      this.#jwksUrl ??= await discoverJwksUri(this.#issuer, { fetch, signal, maxBytes: discoveryMaxBytes, jwksHosts: this.#jwksHosts });
      const jwks = await fetchJson(this.#jwksUrl, {
        what: `JWKS fetch for ${quote(this.#issuer)}`,
        fetch,
        signal,
        maxBytes: jwksMaxBytes,
        limitSetting: 'auth.tokens.jwksMaxBytes',
        accept: 'application/json, application/jwk-set+json',
      });
      // jose checks the set's shape here ("JSON Web Key Set malformed"): a bad answer keeps the keys we have.
      const keySet = this.#settings.toKeySet === undefined ? (jwks as JSONWebKeySet) : this.#settings.toKeySet(jwks);
      this.#keys = { selection: new KeySelection(keySet), loadedAt: this.#settings.now() };
      this.#failure = undefined;
    } catch (error) {
      const reason = describeFetchFailure(this.#issuer, error);
      this.#failure = { at: this.#settings.now(), reason, prefetch };
      const kept = this.#keys === undefined ? 'no keys yet' : 'keeping cached keys';
      this.#settings.logger?.warn({ issuer: this.#issuer, reason }, `JWKS fetch failed, ${kept}`);
      throw invalidToken(reason, error);
    }
  }

  #selection(): KeySelection {
    if (this.#keys === undefined) throw invalidToken(`no JWKS loaded for ${quote(this.#issuer)}`);
    return this.#keys.selection;
  }
}

function describeFetchFailure(issuer: string, error: unknown): string {
  if (error instanceof Error && error.name === 'RampartError') {
    return (error as { reason?: string }).reason ?? error.message;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `JWKS fetch for ${quote(issuer)} failed: ${detail}`;
}
