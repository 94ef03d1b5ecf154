import { createLocalJWKSet, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

/** The call's signal, asked for only when a key source must wait (building a call's AbortSignal costs µs). */
export type LazySignal = () => AbortSignal | undefined;

/**
 * Where one issuer's verification keys come from. `getKey` is called only after the token's shape, size and issuer
 * were checked; it may wait for the network, bounded by the verifier's timeout and by the call's signal.
 *
 * @example
 * ```ts
 * const key = await source.getKey(header, jws, () => ctx.signal);
 * ```
 */
export interface KeySource {
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput, signal?: LazySignal): Promise<CryptoKey | Uint8Array>;
  /** Loads keys ahead of the first request; rejects with the reason when that fails. */
  prefetch(signal?: AbortSignal): Promise<void>;
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
  const local = createLocalJWKSet(jwks);
  return {
    getKey: (header, token) => local(header, token),
    prefetch: () => Promise.resolve(),
  };
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
    prefetch: () => Promise.resolve(),
  };
}
