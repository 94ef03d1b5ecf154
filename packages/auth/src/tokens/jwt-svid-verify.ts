import { parseSpiffeId } from '@rampart/core';
import { jwtVerify, type JWTPayload } from 'jose';
import type { LazyCall } from './key-source.js';
import { invalidToken, quote } from './token-errors.js';
import type { TrustedDomain } from './trust-domain-registry.js';

/**
 * What one JWT-SVID verification checks against besides the trust domain: the expected audience (any of them), the
 * time and the allowed skew, and the call (for a wait on keys).
 *
 * @example
 * ```ts
 * const checks: JwtSvidChecks = { audience: ['inventory'], currentDate: new Date(), clockTolerance: 30, call: () => ctx };
 * ```
 */
export interface JwtSvidChecks {
  readonly audience: readonly string[];
  readonly currentDate: Date;
  readonly clockTolerance: number;
  readonly call: LazyCall;
}

const REQUIRED = Object.freeze(['exp', 'aud', 'sub']) as string[];
const TYPES: ReadonlySet<unknown> = new Set(['JWT', 'JOSE']);

/**
 * Verifies a JWT-SVID of `domain` by the SPIFFE JWT-SVID rules, with jose: `alg` one of the trust domain's allowed
 * JWT-SVID algorithms (never HS* or `none`), `kid` present (go-spiffe's rule: the key is looked up by it), the
 * signature by a key of this trust domain's bundle only, `exp`, `aud` and `sub` present, `aud` naming one of
 * `checks.audience`, `exp`/`nbf` against the clock, `typ` `JWT` or `JOSE` when present, and `sub` a workload SPIFFE
 * ID of this trust domain. Resolves with the verified claims and the `kid` of the key; rejects with the jose error or an `ERR_TOKEN_INVALID`
 * whose reason names the rule.
 *
 * @example
 * ```ts
 * const { payload, kid } = await verifyJwtSvid(token, domain, { audience: ['inventory'], currentDate: new Date(), clockTolerance: 30, call: () => ctx });
 * ```
 */
export async function verifyJwtSvid(
  token: string,
  domain: TrustedDomain,
  checks: JwtSvidChecks,
): Promise<{ payload: JWTPayload; kid: string }> {
  const { payload, protectedHeader } = await jwtVerify(
    token,
    (header, jws) => {
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw invalidToken('JWT-SVID header has no "kid": a JWT-SVID key is looked up by kid in its trust domain bundle');
      }
      return domain.keys.getKey(header, jws, checks.call);
    },
    {
      algorithms: domain.algorithms as string[],
      audience: checks.audience as string[],
      requiredClaims: REQUIRED,
      clockTolerance: checks.clockTolerance,
      currentDate: checks.currentDate,
    },
  );
  if (protectedHeader.typ !== undefined && !TYPES.has(protectedHeader.typ)) {
    throw invalidToken(`JWT-SVID header "typ" must be JWT or JOSE when present (got ${quote(protectedHeader.typ)})`);
  }
  let trustDomain: string | undefined;
  try {
    trustDomain = parseSpiffeId(payload.sub as string).trustDomain;
  } catch {
    // reported below
  }
  if (trustDomain !== domain.trustDomain) {
    throw invalidToken(`JWT-SVID claim "sub" is not a workload SPIFFE ID of trust domain ${quote(domain.trustDomain)} (got ${quote(payload.sub)})`);
  }
  return { payload, kid: protectedHeader.kid as string };
}
