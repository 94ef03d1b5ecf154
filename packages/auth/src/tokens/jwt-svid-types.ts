import type { JSONWebKeySet } from 'jose';

/**
 * The JWS algorithms a JWT-SVID may be signed with (SPIFFE JWT-SVID §2.1: RFC 7518 §3.3-3.5). Never HS* or `none`;
 * EdDSA is not among them.
 *
 * @example
 * ```ts
 * JWT_SVID_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const JWT_SVID_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;

/**
 * A JWS algorithm a JWT-SVID may use.
 *
 * @example
 * ```ts
 * const algorithms: JwtSvidAlgorithm[] = ['ES256'];
 * ```
 */
export type JwtSvidAlgorithm = (typeof JWT_SVID_ALGORITHMS)[number];

/**
 * Where JWT bundles come from at verification time: the SPIFFE Workload API's `FetchJWTBundles` stream (a
 * `JwtSource`) or anything shaped like it. `bundleFor` is called on every verification of a JWT-SVID of
 * `trustDomain` that is not answered from the cache, and on every cache hit (to see that the token's key is still in
 * the bundle), so it must be a cheap in-memory lookup. Return the current JWK Set, or undefined when there is none
 * (yet). Treat returned sets as immutable: return a new object when the bundle changes (an object seen before is
 * taken to be unchanged).
 *
 * @example
 * ```ts
 * const bundles: JwtBundleSource = { bundleFor: (td) => (td === 'example.org' ? { keys: [publicJwk] } : undefined) };
 * const verifier = new TokenVerifier({ trustDomains: [{ trustDomain: 'example.org', workloadApi: true }], jwtBundles: bundles, audience: 'inventory' });
 * ```
 */
export interface JwtBundleSource {
  /** The current JWT bundle (JWK Set) of `trustDomain` (a name such as `example.org`), or undefined when there is none. */
  bundleFor(trustDomain: string): JSONWebKeySet | undefined;
}

/**
 * One SPIFFE trust domain whose JWT-SVIDs are accepted as bearer tokens. Its keys come from exactly one place: a
 * SPIFFE bundle file (`bundleFile`), a JWKS or SPIFFE bundle endpoint URL (`bundleUri`), SPIRE's OIDC Discovery
 * Provider (`oidcDiscovery`), the verifier's `jwtBundles` (`workloadApi: true`) or inline keys (`bundle`).
 * A key counts when its `use` is `jwt-svid`, `sig` or absent and its `kty` is RSA or EC; others are ignored.
 *
 * @example
 * ```ts
 * const td: TrustDomainConfig = { trustDomain: 'example.org', bundleFile: '/run/spire/bundle.jwks.json', audience: 'inventory' };
 * ```
 */
export interface TrustDomainConfig {
  /** The trust domain name, e.g. `example.org` (no `spiffe://`). A token's `sub` must be a workload ID in it. */
  readonly trustDomain: string;
  /** A SPIFFE bundle (JWK Set) file, re-read when it changes; a bad file keeps the last good keys. */
  readonly bundleFile?: string;
  /** A JWKS or SPIFFE bundle endpoint URL (https; http on loopback only), fetched as an issuer's `jwksUri` is. */
  readonly bundleUri?: string;
  /**
   * The base URL of SPIRE's OIDC Discovery Provider (the `issuer` of its discovery document): discovery, then its
   * `jwks_uri`, with the same rules as an issuer's discovery.
   */
  readonly oidcDiscovery?: string;
  /** With `oidcDiscovery`: other hosts its `jwks_uri` may name (`host` or `host:port`). */
  readonly jwksHosts?: readonly string[];
  /** Keys from the verifier's `jwtBundles` (the Workload API), looked up at every verification. */
  readonly workloadApi?: boolean;
  /** Fixed keys (tests, embedded setups). */
  readonly bundle?: JSONWebKeySet;
  /** The audience expected of its JWT-SVIDs, when it differs from the verifier's default. */
  readonly audience?: string | readonly string[];
  /** Accepted algorithms, a subset of {@link JWT_SVID_ALGORITHMS} (the default: all of them). */
  readonly algorithms?: readonly JwtSvidAlgorithm[];
}
