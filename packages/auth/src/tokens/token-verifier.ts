import { decodeProtectedHeader, errors, jwtVerify, type JWSHeaderParameters, type CryptoKey, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { CallBounds } from './deadline.js';
import type { LazyCall } from './key-source.js';
import { toList, type TrustedIssuer } from './issuer-registry.js';
import { verifyJwtSvid } from './jwt-svid-verify.js';
import { invalidToken, quote, toTokenError } from './token-errors.js';
import { isTrustDomain, routeToken } from './token-route.js';
import { assertTokenShape, KeyHints } from './token-shape.js';
import { buildTrustRegistry, type TrustedDomain } from './trust-domain-registry.js';
import type { TokenVerifierOptions, VerifiedToken, VerifyOptions } from './token-types.js';
import { toVerifiedToken } from './verified-token.js';
import { hashToken, VerifiedTokenCache, type CachedVerification } from './verified-token-cache.js';
import { verifierSettings } from './verifier-settings.js';

/**
 * Verifies bearer access tokens (JWT) with jose against a set of trusted issuers.
 *
 * Order of checks: size cap and compact-JWS shape (before any parsing) → verified-token cache (a hit is used only
 * before the token's `exp` by this clock, and re-checks the call's audience and issuer) → unverified `iss` picks the
 * issuer (an unknown one fails with no network call; with a single issuer whose key for the token's `alg` and `kid`
 * is already at hand, jose's exact `iss` check stands in for it, ADR 0009) → jose `jwtVerify` with that issuer's keys
 * and algorithms: signature, `iss` exact, `aud`, `exp` required, `nbf`, `typ: at+jwt` when required → `iat` not in
 * the future → claims to {@link VerifiedToken}. A verification is cached from the token's second one (admission).
 *
 * Every failure is a `RampartError`: `ERR_TOKEN_EXPIRED` ("token expired") or `ERR_TOKEN_INVALID` ("invalid
 * token"), both UNAUTHENTICATED, with a precise `reason` (check, issuer, kid, alg) and never the token.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ issuers: [{ issuer: 'https://issuer.example' }], audience: 'inventory' });
 * const { principal } = await verifier.verify(bearer, { signal: ctx.signal });
 * ```
 */
export class TokenVerifier {
  readonly #issuers: ReadonlyMap<string, TrustedIssuer>;
  /** The trust domains whose JWT-SVIDs are accepted, by name. */
  readonly #domains: ReadonlyMap<string, TrustedDomain>;
  /** The issuer, when exactly one is trusted and no trust domain. */
  readonly #single: TrustedIssuer | undefined;
  readonly #hints = new KeyHints();
  readonly #cache: VerifiedTokenCache | undefined;
  readonly #audience: readonly string[] | undefined;
  readonly #toleranceSec: number;
  readonly #maxTokenBytes: number;
  readonly #now: () => number;

  constructor(options: TokenVerifierOptions) {
    const o = verifierSettings(options);
    this.#now = options.now ?? Date.now;
    this.#toleranceSec = o.clockToleranceSec;
    this.#maxTokenBytes = o.maxTokenBytes;
    this.#audience = options.audience === undefined ? undefined : toList(options.audience);
    const trusted = { issuers: options.issuers ?? [], trustDomains: options.trustDomains ?? [], jwtBundles: options.jwtBundles };
    ({ issuers: this.#issuers, domains: this.#domains } = buildTrustRegistry(trusted, {
      timeoutMs: o.jwksTimeoutMs,
      cooldownMs: o.jwksCooldownMs,
      refreshMs: o.jwksRefreshMs,
      retryBackoffMs: o.retryBackoffMs,
      discoveryMaxBytes: o.discoveryMaxBytes,
      jwksMaxBytes: o.jwksMaxBytes,
      filePollMs: o.jwksFilePollMs,
      fetch: options.fetch,
      logger: options.logger,
      now: this.#now,
    }));
    this.#single = this.#issuers.size === 1 && this.#domains.size === 0 ? [...this.#issuers.values()][0] : undefined;
    this.#cache = o.cacheMax > 0 ? new VerifiedTokenCache(o.cacheMax, this.#now) : undefined;
    fastPaths.set(this, this.#fastPath());
  }

  /**
   * The configured issuers, in configuration order.
   *
   * @example
   * ```ts
   * logger.info({ issuers: verifier.issuers }, 'token issuers');
   * ```
   */
  get issuers(): readonly string[] {
    return [...this.#issuers.keys()];
  }

  /**
   * The trust domains whose JWT-SVIDs are accepted, in configuration order.
   *
   * @example
   * ```ts
   * logger.info({ trustDomains: verifier.trustDomains }, 'JWT-SVID trust domains');
   * ```
   */
  get trustDomains(): readonly string[] {
    return [...this.#domains.keys()];
  }

  /**
   * Verifies `token` (the bare JWT, without `Bearer `). Resolves with the verified token or rejects with
   * `ERR_TOKEN_INVALID` / `ERR_TOKEN_EXPIRED`; any wait for keys ends at `options.deadline` or `options.signal`, and
   * after `jwksTimeoutMs` at the latest.
   *
   * @example
   * ```ts
   * const verified = await verifier.verify(token, { audience: 'inventory', signal: ctx.signal });
   * ```
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<VerifiedToken> {
    const entry = await this.#entry(token, options, () => options);
    return this.#checkHit(entry, options);
  }

  /**
   * The allowed clock skew, in seconds: a token is accepted until this long after its `exp`. Whatever must outlive
   * a token's acceptance (a one-time token's `jti` in a replay store) is kept until `exp` plus this.
   *
   * @example
   * ```ts
   * const acceptedUntil = verified.principal.expiresAt.getTime() + verifier.clockToleranceSec * 1000;
   * ```
   */
  get clockToleranceSec(): number {
    return this.#toleranceSec;
  }

  /** The key `issuer`'s source already selected for the token's `alg` and `kid`, if any (never fetches). */
  #keyNow(issuer: TrustedIssuer, token: string): CryptoKey | Uint8Array | undefined {
    const hint = this.#hints.of(token);
    return hint === undefined ? undefined : issuer.keys.keyNow(hint);
  }

  async #verifyUncached(token: string, tokenHash: string, options: VerifyOptions, call: LazyCall): Promise<CachedVerification> {
    // With one trusted issuer, a key already selected for the token's `alg` and `kid` goes to jose directly (no
    // resolver, no network) and jose checks `iss`. Any other way, the unverified `iss` picks the issuer first, so an
    // unknown issuer fails before any key is fetched (no JWKS refetch for a made-up `kid`).
    const single = this.#single;
    const keyAtHand = single === undefined ? undefined : this.#keyNow(single, token);
    const issuer = keyAtHand === undefined ? routeToken(token, this.#issuers, this.#domains) : (single as TrustedIssuer);
    this.#checkIssuerAllowed(issuer, options);
    const audience = this.#expectedAudience(issuer, options);
    const nowMs = this.#now();
    const nowSec = Math.floor(nowMs / 1000);
    let payload: JWTPayload;
    let verified: VerifiedToken;
    let kid: string | undefined;
    try {
      if (isTrustDomain(issuer)) {
        const checks = { audience, currentDate: new Date(nowMs), clockTolerance: this.#toleranceSec, call };
        ({ payload, kid } = await verifyJwtSvid(token, issuer, checks));
      } else {
        // One object shape for every call (jose reads these options on every verification).
        const verifyOptions: JWTVerifyOptions = {
          algorithms: issuer.algorithms as string[],
          issuer: issuer.issuer,
          audience: audience as string[],
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: this.#toleranceSec,
          currentDate: new Date(nowMs),
          typ: issuer.requireTyp ? 'at+jwt' : undefined,
        };
        ({ payload } =
          keyAtHand === undefined
            ? await jwtVerify(token, (h, jws) => issuer.keys.getKey(h, jws, call), verifyOptions)
            : await jwtVerify(token, keyAtHand, verifyOptions));
      }
      if (typeof payload.iat === 'number' && payload.iat > nowSec + this.#toleranceSec) {
        throw new errors.JWTClaimValidationFailed('"iat" is in the future', payload, 'iat', 'check_failed');
      }
      // A JWT-SVID's principal names its trust domain as issuer (`spiffe://<td>`), whatever its `iss` says.
      verified = toVerifiedToken(payload, tokenHash, issuer.claims, isTrustDomain(issuer) ? issuer.issuer : undefined);
    } catch (error) {
      // Report an unknown issuer as such, as when the unverified `iss` is read first (it throws when unknown).
      if (keyAtHand !== undefined) routeToken(token, this.#issuers, this.#domains);
      const header = headerOf(token);
      throw toTokenError(error, {
        issuer: issuer.issuer,
        source: isTrustDomain(issuer) ? `JWT-SVID of trust domain ${quote(issuer.trustDomain)}` : undefined,
        kid: header?.kid,
        alg: header?.alg,
        typ: header?.typ,
        allowedAlgorithms: issuer.algorithms,
        expectedAudience: audience,
        nowSec,
        toleranceSec: this.#toleranceSec,
      });
    }
    // One shape for every entry (`kid` undefined for an issuer's token): hits read them on every call.
    const entry: CachedVerification = { verified, issuer, audience: toList(payload.aud ?? []), exp: payload.exp as number, kid };
    this.#cache?.set(tokenHash, entry);
    return entry;
  }

  /**
   * Loads every issuer's and trust domain's keys now (discovery, JWKS, files, bundles), e.g. at start-up. Never
   * rejects: returns one entry per issuer (a trust domain as `spiffe://<name>`), with the reason when loading failed
   * (verification retries lazily later).
   *
   * @example
   * ```ts
   * for (const r of await verifier.prefetchKeys()) if (!r.ok) logger.warn(r, 'issuer keys not loaded yet');
   * ```
   */
  async prefetchKeys(signal?: AbortSignal): Promise<{ issuer: string; ok: boolean; reason?: string }[]> {
    return Promise.all(
      this.#trusted().map((issuer) =>
        issuer.keys.prefetch(signal).then(
          () => ({ issuer: issuer.issuer, ok: true }),
          (error: unknown) => ({ issuer: issuer.issuer, ok: false, reason: toTokenError(error, none(issuer)).reason }),
        ),
      ),
    );
  }

  /**
   * The verification of `token`, from the cache when it holds one not yet expired (answered synchronously, with no
   * promise: a warm call is decided without a microtask), else verified now. `callOnMiss` supplies the call's signal
   * and deadline only when keys may have to be waited for.
   */
  #entry(token: string, options: VerifyOptions, callOnMiss: () => CallBounds): CachedVerification | Promise<CachedVerification> {
    assertTokenShape(token, this.#maxTokenBytes);
    const tokenHash = hashToken(token);
    const hit = this.#cache?.get(tokenHash);
    if (hit !== undefined && hit.exp * 1000 > this.#now()) return hit;
    return this.#verifyUncached(token, tokenHash, options, callOnMiss);
  }

  #fastPath(): VerifierFastPath {
    return {
      caches: this.#cache !== undefined,
      entry: (token, options, callOnMiss) => this.#entry(token, options, callOnMiss),
      accept: (entry, options) => (entry.exp * 1000 > this.#now() ? this.#checkHit(entry, options) : undefined),
      check: (entry, options) => this.#checkHit(entry, options),
      issuersWithoutAudience: (options) => this.#issuersWithoutAudience(options),
    };
  }

  #checkHit(hit: CachedVerification, options: VerifyOptions): VerifiedToken {
    this.#checkIssuerAllowed(hit.issuer, options);
    // A JWT-SVID's key must still be in its trust domain's bundle: a key dropped from it stops its tokens now.
    if (hit.kid !== undefined && hit.issuer.keys.trusts?.(hit.kid) === false) {
      throw invalidToken(`key ${quote(hit.kid)} is no longer in the bundle (${quote(hit.issuer.issuer)}, cached)`);
    }
    const expected = this.#expectedAudience(hit.issuer, options);
    if (!intersects(expected, hit.audience)) {
      const where = `(issuer ${quote(hit.issuer.issuer)}, cached)`;
      const got = quote(hit.audience.join(' '));
      throw invalidToken(`claim "aud" check_failed: got ${got}, expected one of ${quote(expected.join(' '))} ${where}`);
    }
    return hit.verified;
  }

  #checkIssuerAllowed(issuer: TrustedIssuer, options: VerifyOptions): void {
    if (options.issuer !== undefined && !toList(options.issuer).includes(issuer.issuer)) {
      throw invalidToken(`issuer ${quote(issuer.issuer)} is not accepted for this call`);
    }
  }

  /**
   * The issuers that would have no expected audience for calls with these options (no call audience, no issuer
   * audience, no default): every token from them would be refused. Checked at start-up so such a config fails there.
   */
  #issuersWithoutAudience(options: Pick<VerifyOptions, 'audience' | 'issuer'>): string[] {
    if (options.audience !== undefined && toList(options.audience).length > 0) return [];
    const accepted = options.issuer === undefined ? undefined : toList(options.issuer);
    return this.#trusted()
      .filter((issuer) => accepted === undefined || accepted.includes(issuer.issuer))
      .filter((issuer) => (issuer.audience ?? this.#audience ?? []).length === 0)
      .map((issuer) => issuer.issuer);
  }

  /** The issuers, then the trust domains. */
  #trusted(): TrustedIssuer[] {
    return [...this.#issuers.values(), ...this.#domains.values()];
  }

  #expectedAudience(issuer: TrustedIssuer, options: VerifyOptions): readonly string[] {
    const audience = options.audience === undefined ? (issuer.audience ?? this.#audience) : toList(options.audience);
    if (audience === undefined || audience.length === 0) {
      throw invalidToken('no expected audience: set auth.tokens.audience, the issuer audience or the call audience');
    }
    return audience;
  }
}

const REQUIRED_CLAIMS = Object.freeze(['exp', 'sub']) as string[];

/** Whether the lists share an element (a loop: this runs on every call that reuses a verification). */
function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (b.includes(a[i] as string)) return true;
  return false;
}

/** The token's protected header for an error's context, or undefined when it does not decode. */
function headerOf(token: string): JWSHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

function none(issuer: TrustedIssuer) {
  const base = { kid: undefined, alg: undefined, typ: undefined, nowSec: 0, toleranceSec: 0, expectedAudience: [] };
  return { ...base, issuer: issuer.issuer, allowedAlgorithms: issuer.algorithms };
}

/**
 * The token stage's per-call path into a {@link TokenVerifier}, kept off its public face (which is `verify()`):
 * verifications that can be answered without a promise, remembered per connection and checked again per call.
 */
export interface VerifierFastPath {
  /** Whether verifications may be remembered at all (false when the verified-token cache is turned off). */
  readonly caches: boolean;
  /** The verification itself (claims, issuer, audience, `exp`), synchronous on a cache hit; throws or rejects when the token fails. */
  entry(token: string, options: VerifyOptions, callOnMiss: () => CallBounds): CachedVerification | Promise<CachedVerification>;
  /** A remembered verification checked for one more call: undefined once the token reached its `exp`. */
  accept(entry: CachedVerification, options: VerifyOptions): VerifiedToken | undefined;
  /** The call's issuer and audience checked against a verification just made. */
  check(entry: CachedVerification, options: VerifyOptions): VerifiedToken;
  /** The issuers whose tokens would all be refused for want of an expected audience (a start-up check). */
  issuersWithoutAudience(options: Pick<VerifyOptions, 'audience' | 'issuer'>): string[];
}

const fastPaths = new WeakMap<TokenVerifier, VerifierFastPath>();

/**
 * The fast path of a verifier made by this copy of `@rampart/auth`.
 *
 * @throws TypeError for anything else (a verifier from another copy of the package).
 */
export function fastPathOf(verifier: TokenVerifier): VerifierFastPath {
  const path = fastPaths.get(verifier);
  if (path === undefined) throw new TypeError('not a TokenVerifier of this copy of @rampart/auth: install one copy of it');
  return path;
}
