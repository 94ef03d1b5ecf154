import type { Logger } from '@rampart/core';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwksCache,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type RemoteJWKSet,
} from 'jose';
import { withDeadline } from './deadline.js';
import { discoverJwksUri } from './discovery.js';
import { invalidToken, quote } from './token-errors.js';
import { KeySelection, type KeyHint, type KeySource, type LazySignal } from './key-source.js';
import type { TokenFetch } from './token-types.js';

/**
 * Timing and plumbing for a {@link RemoteKeySource}.
 *
 * @example
 * ```ts
 * const settings: RemoteKeySettings = {
 *   timeoutMs: 1500, cooldownMs: 30_000, refreshMs: 600_000, retryBackoffMs: 5000,
 *   fetch: undefined, logger: undefined, now: Date.now,
 * };
 * ```
 */
export interface RemoteKeySettings {
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly refreshMs: number;
  readonly retryBackoffMs: number;
  readonly fetch: TokenFetch | undefined;
  readonly logger: Logger | undefined;
  readonly now: () => number;
}

/**
 * An issuer's keys from a remote JWKS, found through OIDC discovery unless `jwksUri` is given. jose's
 * `createRemoteJWKSet` fetches (with its timeout and `customFetch`) and tracks the unknown-`kid` cooldown; on top:
 * - the first `getKey` triggers discovery and the first fetch, bounded by `timeoutMs` and the call's `signal`;
 * - keys older than `refreshMs` are refreshed in the background; when that fails the cached keys keep serving;
 * - an unknown `kid` refetches once the cooldown has passed, unless the last fetch failed less than
 *   `retryBackoffMs` ago (a down JWKS endpoint is not hammered by tokens with made-up `kid`s);
 * - a failed {@link RemoteKeySource.prefetch} (at start-up, the issuer often is not up yet) does not start that
 *   backoff: the first call fetches again, and only a failure a call ran into holds back the calls after it.
 *
 * @example
 * ```ts
 * const source = new RemoteKeySource('https://issuer.example', undefined, settings);
 * const key = await source.getKey(header, jws, () => ctx.signal);
 * ```
 */
export class RemoteKeySource implements KeySource {
  readonly #issuer: string;
  readonly #settings: RemoteKeySettings;
  #jwksUrl: URL | undefined;
  #remote: RemoteJWKSet | undefined;
  readonly #cache: { jwks?: JSONWebKeySet; uat?: number } = {};
  #local: { uat: number; selection: KeySelection } | undefined;
  #loadedAt = 0;
  #pending: Promise<void> | undefined;
  /** The last failed fetch; `prefetch`: made by {@link RemoteKeySource.prefetch}, not for a call. */
  #failure: { at: number; reason: string; prefetch: boolean } | undefined;

  constructor(issuer: string, jwksUri: string | undefined, settings: RemoteKeySettings) {
    this.#issuer = issuer;
    this.#jwksUrl = jwksUri === undefined ? undefined : new URL(jwksUri);
    this.#settings = settings;
  }

  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput, signal?: LazySignal) {
    if (this.#cache.uat === undefined) await this.#fetchNow(signal?.());
    else if (this.#settings.now() - this.#loadedAt >= this.#settings.refreshMs) this.#refreshInBackground();
    try {
      return await this.#localSet().select(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.#remote?.coolingDown === true) throw error;
      if (this.#inBackoff()) throw error;
      await this.#fetchNow(signal?.());
      return this.#localSet().select(header, token);
    }
  }

  keyNow(hint: KeyHint) {
    const uat = this.#cache.uat;
    if (uat === undefined || this.#local?.uat !== uat) return undefined;
    if (this.#settings.now() - this.#loadedAt >= this.#settings.refreshMs) this.#refreshInBackground();
    return this.#local.selection.selected(hint);
  }

  prefetch(signal?: AbortSignal): Promise<void> {
    return this.#fetchNow(signal, true);
  }

  #fetchNow(signal: AbortSignal | undefined, prefetch = false): Promise<void> {
    if (this.#inBackoff() && this.#failure !== undefined) {
      const wait = this.#failure.at + this.#settings.retryBackoffMs - this.#settings.now();
      return Promise.reject(invalidToken(`${this.#failure.reason}; next attempt in ${Math.max(wait, 0)} ms`));
    }
    return withDeadline(this.#reload(prefetch), this.#settings.timeoutMs, signal, `JWKS fetch for ${quote(this.#issuer)}`);
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
    try {
      const remote = this.#remote ?? (await this.#createRemote());
      await remote.reload();
      this.#loadedAt = this.#settings.now();
      this.#failure = undefined;
    } catch (error) {
      const reason = describeFetchFailure(this.#issuer, error);
      this.#failure = { at: this.#settings.now(), reason, prefetch };
      const kept = this.#cache.uat === undefined ? 'no keys yet' : 'keeping cached keys';
      this.#settings.logger?.warn({ issuer: this.#issuer, reason }, `JWKS fetch failed, ${kept}`);
      throw invalidToken(reason, error);
    }
  }

  async #createRemote(): Promise<RemoteJWKSet> {
    const { timeoutMs, cooldownMs, fetch } = this.#settings;
    this.#jwksUrl ??= await discoverJwksUri(this.#issuer, fetch ?? globalThis.fetch, AbortSignal.timeout(timeoutMs));
    this.#remote = createRemoteJWKSet(this.#jwksUrl, {
      timeoutDuration: timeoutMs,
      cooldownDuration: cooldownMs,
      cacheMaxAge: Number.POSITIVE_INFINITY,
      [jwksCache]: this.#cache as JWKSCacheInput,
      ...(fetch === undefined ? {} : { [customFetch]: fetch }),
    });
    return this.#remote;
  }

  #localSet(): KeySelection {
    const { jwks, uat } = this.#cache;
    if (jwks === undefined || uat === undefined) throw invalidToken(`no JWKS loaded for ${quote(this.#issuer)}`);
    if (this.#local?.uat !== uat) this.#local = { uat, selection: new KeySelection(jwks) };
    return this.#local.selection;
  }
}

function describeFetchFailure(issuer: string, error: unknown): string {
  if (error instanceof Error && error.name === 'RampartError') {
    return (error as { reason?: string }).reason ?? error.message;
  }
  if (error instanceof errors.JWKSTimeout) return `JWKS fetch for ${quote(issuer)} timed out`;
  const detail = error instanceof Error ? error.message : String(error);
  return `JWKS fetch for ${quote(issuer)} failed: ${detail}`;
}
