import type { JSONWebKeySet, JWK } from 'jose';
import type { JwtBundleSource } from './jwt-svid-types.js';
import { KeySelection, type KeySource } from './key-source.js';
import { invalidToken, quote } from './token-errors.js';

const KEY_TYPES: ReadonlySet<unknown> = new Set(['RSA', 'EC']);

/**
 * The keys of a trust domain's bundle that may verify JWT-SVIDs, as a JWK Set jose can select from. A SPIFFE bundle
 * marks each key's purpose in `use` (SPIFFE Trust Domain and Bundle §4.2.2): `jwt-svid` keys count, `x509-svid` keys
 * (certificate authorities) and unknown uses are ignored. Plain JWKS keys (`use: "sig"` or no `use`, as SPIRE's OIDC
 * Discovery Provider publishes them) count too. Only RSA and EC keys count (the JWT-SVID algorithms); `use` is
 * dropped from the copies (jose selects only `sig` or unmarked keys). `spiffe_sequence` and other members are ignored.
 *
 * @throws Error when `json` is not an object with a `keys` list.
 *
 * @example
 * ```ts
 * jwtAuthorities({ keys: [{ kty: 'EC', use: 'jwt-svid', kid: 'k1', crv: 'P-256', x, y }, { kty: 'RSA', use: 'x509-svid', n, e, x5c }] });
 * // → { keys: [{ kty: 'EC', kid: 'k1', crv: 'P-256', x, y }] }
 * ```
 */
export function jwtAuthorities(json: unknown): JSONWebKeySet {
  const keys = typeof json === 'object' && json !== null ? (json as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new Error('not a JWK Set: no "keys" list');
  const usable: JWK[] = [];
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) continue;
    const { use, ...rest } = key as JWK;
    if (use !== undefined && use !== 'sig' && use !== 'jwt-svid') continue;
    if (KEY_TYPES.has(rest.kty)) usable.push(rest);
  }
  return { keys: usable };
}

/**
 * The keys of `trustDomain` from a {@link JwtBundleSource} (the Workload API), looked up at every verification and
 * every cache reuse, so a bundle update is seen by the next call. A key set is prepared once per bundle object. A
 * source that has no bundle, or throws (not ready, closed), refuses the token with `invalid token`.
 *
 * @example
 * ```ts
 * const keys = bundleSourceKeys(jwtSource, 'example.org');
 * ```
 */
export function bundleSourceKeys(source: JwtBundleSource, trustDomain: string): KeySource {
  let last: { bundle: JSONWebKeySet; selection: KeySelection } | undefined;
  const current = (): KeySelection => {
    let bundle: JSONWebKeySet | undefined;
    try {
      bundle = source.bundleFor(trustDomain);
    } catch (error) {
      // A source that is not ready (or closed) refuses the token, never fails the call another way.
      const detail = error instanceof Error ? error.message : String(error);
      throw invalidToken(`no JWT bundle for trust domain ${quote(trustDomain)}: the JWT bundle source failed: ${detail}`, error);
    }
    if (bundle === undefined) throw invalidToken(`no JWT bundle for trust domain ${quote(trustDomain)} from the Workload API (yet)`);
    if (last?.bundle !== bundle) last = { bundle, selection: new KeySelection(jwtAuthorities(bundle)) };
    return last.selection;
  };
  return {
    getKey: (header, token) => current().select(header, token),
    // Never a key at hand: the bundle is asked for on every verification.
    keyNow: () => undefined,
    prefetch: () => {
      try {
        current();
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    trusts: (kid) => {
      try {
        return current().hasKid(kid);
      } catch {
        return false;
      }
    },
  };
}
