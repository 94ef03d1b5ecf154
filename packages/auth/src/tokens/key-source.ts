import { createLocalJWKSet, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import type { CallBounds } from './deadline.js';

/**
 * The call's signal and deadline, asked for only when a key source must wait (building a call's AbortSignal costs
 * µs): a gRPC call passes `() => ctx`.
 */
export type LazyCall = () => CallBounds | undefined;

/**
 * A token header's `alg` and `kid`, read without verifying, and `id`, the two as one string for lookups (see
 * {@link keyHint}).
 */
export interface KeyHint {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly id: string;
}

/**
 * The {@link KeyHint} for an `alg` and `kid`. `alg` never contains a space, so "no kid" and any `kid`, even an empty
 * one, get distinct ids.
 *
 * @example
 * ```ts
 * keyHint('ES256', 'k1'); // { alg: 'ES256', kid: 'k1', id: 'ES256 k1' }
 * ```
 */
export function keyHint(alg: string, kid: string | undefined): KeyHint {
  return Object.freeze({ alg, kid, id: kid === undefined ? alg : `${alg} ${kid}` });
}

/**
 * Where one issuer's verification keys come from. `getKey` is called only after the token's shape, size and issuer
 * were checked; it may wait for the network, until the call's deadline or cancellation and at most the verifier's
 * `jwksTimeoutMs`.
 *
 * @example
 * ```ts
 * const key = await source.getKey(header, jws, () => ctx);
 * ```
 */
export interface KeySource {
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput, call?: LazyCall): Promise<CryptoKey | Uint8Array>;
  /**
   * The key `getKey` already selected for the header's `alg` and `kid` (`kid` undefined: a header without one), when the
   * keys it came from are still current and nothing is due (no file check, no fetch), so a verification can hand it
   * to jose directly. Undefined otherwise: ask `getKey`. Never waits and never fetches.
   */
  keyNow(hint: KeyHint): CryptoKey | Uint8Array | undefined;
  /** Loads keys ahead of the first request; rejects with the reason when that fails. */
  prefetch(signal?: AbortSignal): Promise<void>;
  /**
   * Whether the current keys still hold a key with this `kid` (never waits; a source may start a due reload in the
   * background). Asked on each reuse of a cached JWT-SVID verification, so a key dropped from a trust domain's bundle
   * stops its tokens at the next call. Sources without it are not asked.
   */
  trusts?(kid: string): boolean;
}

/**
 * Keys fixed at construction (an inline JWKS). jose picks the key by `kid`/`alg` and never looks at `jku`, `x5u`,
 * `jwk` or `x5c` in the token header.
 *
 * @example
 * ```ts
 * const source = staticJwksSource({ keys: [publicJwk] });
 * ```
 */
export function staticJwksSource(jwks: JSONWebKeySet): KeySource {
  const selection = new KeySelection(jwks);
  return {
    getKey: (header, token) => selection.select(header, token),
    keyNow: (hint) => selection.selected(hint),
    prefetch: () => Promise.resolve(),
  };
}

/**
 * jose's key selection from one version of a JWKS (`createLocalJWKSet`: by `kid`, `alg` and the key's `kty`, `crv`,
 * `alg`, `use` and `key_ops`; exactly one key must match), remembering each key it selected by the header's `alg`
 * and `kid`, the only header members that selection reads. A later token with the same `alg` and `kid` gets the
 * same key without a selection: jose's own checks (allowed algorithms, the key fits `alg`) still run when it
 * verifies. Only successful selections are remembered, so the memo holds at most one entry per key and `alg`
 * (jose asks for a key only after `alg` passed the allowed list). Build a new one when the key set changes.
 *
 * @example
 * ```ts
 * const selection = new KeySelection(jwks);
 * await selection.select(header, jws);
 * selection.selected(keyHint('ES256', header.kid)); // the same CryptoKey
 * ```
 */
export class KeySelection {
  readonly #select: ReturnType<typeof createLocalJWKSet>;
  readonly #selected = new Map<string, CryptoKey>();
  readonly #kids: ReadonlySet<unknown>;

  constructor(jwks: JSONWebKeySet) {
    this.#select = createLocalJWKSet(jwks);
    this.#kids = new Set(jwks.keys.map((key) => key.kid));
  }

  /** Whether the key set has a key with this `kid`. */
  hasKid(kid: string): boolean {
    return this.#kids.has(kid);
  }

  async select(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const key = await this.#select(header, token);
    const { alg, kid } = header;
    // A flattened JWS's unprotected header takes part in jose's selection; only compact tokens (none) are remembered.
    if (typeof alg === 'string' && (kid === undefined || typeof kid === 'string') && token.header === undefined) {
      this.#selected.set(keyHint(alg, kid).id, key);
    }
    return key;
  }

  selected(hint: KeyHint): CryptoKey | undefined {
    return this.#selected.get(hint.id);
  }
}

/**
 * An HMAC secret. Only used for an issuer whose algorithms are all HS*.
 *
 * @example
 * ```ts
 * const source = secretSource(new TextEncoder().encode(process.env.SECRET));
 * ```
 */
export function secretSource(secret: Uint8Array): KeySource {
  const copy = Uint8Array.from(secret);
  return {
    getKey: () => Promise.resolve(copy),
    keyNow: () => copy,
    prefetch: () => Promise.resolve(),
  };
}
