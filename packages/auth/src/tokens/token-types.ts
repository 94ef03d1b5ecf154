import type { Logger, Principal } from '@rampart/core';
import type { FetchImplementation, JSONWebKeySet } from 'jose';
import type { ClaimMappingConfig } from './claim-mapping.js';
import type { JwtBundleSource, TrustDomainConfig } from './jwt-svid-types.js';

/**
 * Asymmetric JWS algorithms an issuer may be configured with.
 *
 * @example
 * ```ts
 * ASYMMETRIC_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
] as const;
/**
 * HMAC algorithms, allowed only for an issuer configured with a `secret`.
 *
 * @example
 * ```ts
 * const issuer: IssuerConfig = { issuer: 'internal', secret, algorithms: [...HMAC_ALGORITHMS] };
 * ```
 */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
/**
 * What an issuer with keys (discovery, `jwksUri`, `jwksFile`, `jwks`) accepts unless configured otherwise.
 *
 * @example
 * ```ts
 * const issuer: IssuerConfig = { issuer, algorithms: [...DEFAULT_ASYMMETRIC_ALGORITHMS, 'ES384'] };
 * ```
 */
export const DEFAULT_ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * An asymmetric JWS algorithm.
 *
 * @example
 * ```ts
 * const alg: AsymmetricAlgorithm = 'ES256';
 * ```
 */
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
/**
 * An HMAC JWS algorithm.
 *
 * @example
 * ```ts
 * const alg: HmacAlgorithm = 'HS256';
 * ```
 */
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
/**
 * Any JWS algorithm Rampart can be configured to accept. `none` is not one of them.
 *
 * @example
 * ```ts
 * const algorithms: TokenAlgorithm[] = ['ES256', 'EdDSA'];
 * ```
 */
export type TokenAlgorithm = AsymmetricAlgorithm | HmacAlgorithm;

/**
 * A fetch implementation for discovery and JWKS requests, e.g. one using an undici `Agent` with a private CA.
 * jose's `FetchImplementation`: it gets `method: 'GET'`, `redirect: 'manual'`, headers and an abort signal.
 *
 * @example
 * ```ts
 * import { Agent, fetch as undiciFetch } from 'undici';
 * const dispatcher = new Agent({ connect: { ca } });
 * const tokenFetch: TokenFetch = (url, init) => undiciFetch(url, { ...init, dispatcher }) as unknown as Promise<Response>;
 * ```
 */
export type TokenFetch = FetchImplementation;

/**
 * One trusted issuer. Its keys come from exactly one place: OIDC discovery (the default), `jwksUri`, `jwksFile`,
 * an inline `jwks`, or an HMAC `secret`.
 *
 * @example
 * ```ts
 * const issuer: IssuerConfig = { issuer: 'https://issuer.example', audience: 'inventory' };
 * ```
 */
export interface IssuerConfig {
  /** The exact `iss` value. With discovery, also where `/.well-known/openid-configuration` is found. */
  readonly issuer: string;
  /** The audience expected from this issuer's tokens, when it differs from the verifier's default. */
  readonly audience?: string | readonly string[];
  /** Fetch keys from this JWKS URL instead of using discovery. */
  readonly jwksUri?: string;
  /**
   * With discovery: hosts (`host` or `host:port`, as in a URL) other than the issuer's own that its discovery
   * document may name in `jwks_uri`, e.g. `['www.googleapis.com']`. Default none: keys come from the issuer's host.
   */
  readonly jwksHosts?: readonly string[];
  /** Read keys from this local JWKS file, re-read when it changes; a bad file keeps the last good keys. */
  readonly jwksFile?: string;
  /** Fixed keys (tests, embedded setups). */
  readonly jwks?: JSONWebKeySet;
  /** An HMAC secret (at least as long as the hash: 32 bytes for HS256). Makes the issuer HS*-only. */
  readonly secret?: string | Uint8Array;
  /**
   * Require the RFC 9068 header `typ: at+jwt` (or `application/at+jwt`), as RFC 9068 §4 asks of a resource server.
   * Default true. `false` is the opt-out for an identity provider whose access tokens say `typ: JWT` or nothing
   * (see docs/security/tokens.md for which do): its tokens are then accepted whatever their `typ`.
   */
  readonly requireTyp?: boolean;
  /** Accepted algorithms. Default RS256, PS256, ES256, EdDSA; HS256 for an issuer with a `secret`. */
  readonly algorithms?: readonly TokenAlgorithm[];
  /**
   * Which claims hold scopes, roles and the client id: a preset (`keycloak`, `auth0`, `entra`, `okta`, `spire`) or
   * `{ preset?, scopes?, roles?, clientId? }`. Default: `scope`/`scp` and `client_id`. See docs/guides/identity-providers.md.
   */
  readonly claims?: ClaimMappingConfig;
}

/**
 * Options of a {@link TokenVerifier}. At least one issuer or trust domain is required.
 *
 * @example
 * ```ts
 * const options: TokenVerifierOptions = { issuers: [{ issuer: 'https://issuer.example' }], audience: 'inventory' };
 * ```
 */
export interface TokenVerifierOptions {
  /** Trusted OAuth/OIDC issuers: a token whose `iss` names one is verified as that issuer's access token. */
  readonly issuers?: readonly IssuerConfig[];
  /**
   * Trusted SPIFFE trust domains: a token whose `iss` names no configured issuer and whose `sub` is a SPIFFE ID of one
   * of these is verified as a JWT-SVID, with that trust domain's keys only (ADR 0050).
   */
  readonly trustDomains?: readonly TrustDomainConfig[];
  /** Where trust domains with `workloadApi: true` get their JWT bundles (the Workload API's JWT bundles). */
  readonly jwtBundles?: JwtBundleSource;
  /** The audience expected by default (this service). A call or an issuer may name its own. */
  readonly audience?: string | readonly string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default 30. */
  readonly clockToleranceSec?: number;
  /** Longest token accepted, checked before any parsing. Default 8192. */
  readonly maxTokenBytes?: number;
  /** Most verified tokens kept in the cache; 0 disables the cache. Default 10 000. */
  readonly cacheMax?: number;
  /**
   * The cap on one verification's wait for keys (discovery plus a JWKS fetch), in ms; the call's deadline ends the
   * wait sooner when it comes first. Also the time budget of one discovery + JWKS fetch. Default 5000.
   */
  readonly jwksTimeoutMs?: number;
  /** Largest OIDC discovery document read, in bytes; a larger one is refused. Default 131 072 (128 KiB). */
  readonly discoveryMaxBytes?: number;
  /** Largest JWKS read, in bytes; a larger one is refused (the keys already loaded keep serving). Default 524 288. */
  readonly jwksMaxBytes?: number;
  /** After a successful JWKS fetch, how long an unknown `kid` does not trigger another, in ms. Default 30 000. */
  readonly jwksCooldownMs?: number;
  /** Age after which cached JWKS keys are refreshed in the background, in ms. Default 600 000. */
  readonly jwksRefreshMs?: number;
  /** After a failed discovery or JWKS fetch, how long until the next attempt, in ms. Default 5000. */
  readonly retryBackoffMs?: number;
  /** How often a `jwksFile` is checked for changes (on use), in ms. Default 1000. */
  readonly jwksFilePollMs?: number;
  /** Fetch used for discovery and JWKS. Default: the global `fetch`. */
  readonly fetch?: TokenFetch;
  /** Where warnings go, e.g. "JWKS fetch failed, keeping cached keys". */
  readonly logger?: Logger;
  /** The clock, in ms since the epoch (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Per-call options of {@link TokenVerifier.verify}.
 *
 * @example
 * ```ts
 * await verifier.verify(token, { audience: 'inventory', signal: ctx.signal });
 * ```
 */
export interface VerifyOptions {
  /** The audience this call expects (any of them); overrides the issuer's and the verifier's default. */
  readonly audience?: string | readonly string[];
  /** Accept only these issuers for this call (they must also be configured). */
  readonly issuer?: string | readonly string[];
  /** The call's cancellation: stops any wait for keys. */
  readonly signal?: AbortSignal;
  /** The call's deadline: any wait for keys ends there (or after `jwksTimeoutMs`, whichever comes first). */
  readonly deadline?: Date;
}

/**
 * A verified access token.
 *
 * @example
 * ```ts
 * const { principal, confirmationThumbprint } = await verifier.verify(token);
 * ```
 */
export interface VerifiedToken {
  readonly principal: Principal;
  /** SHA-256 of the token, base64url: safe to log and to use as a key. */
  readonly tokenHash: string;
  /** `jti`, when present. */
  readonly jti?: string;
  /** RFC 8705 `cnf["x5t#S256"]`, when present: the bound client certificate's thumbprint. */
  readonly confirmationThumbprint?: string;
}
