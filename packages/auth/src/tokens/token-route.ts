import { parseSpiffeId } from '@rampart/core';
import type { TrustedIssuer } from './issuer-registry.js';
import { invalidToken, quote } from './token-errors.js';
import { unverifiedClaims } from './token-shape.js';
import type { TrustedDomain } from './trust-domain-registry.js';

/**
 * Picks, from the token's unverified claims, what verifies it (ADR 0050):
 * 1. `iss` names a configured issuer → that issuer (its keys, its rules), whatever `sub` says;
 * 2. otherwise, with trust domains configured, `sub` starting with `spiffe://` → the trust domain of that SPIFFE ID,
 *    which must be a valid workload ID of a configured trust domain (JWT-SVID rules, that trust domain's keys only);
 * 3. otherwise the token is refused (unknown issuer, or no `iss`).
 * Nothing is fetched before this choice, and each path verifies with its own keys only, so routing on unverified
 * claims cannot widen what a token is checked against: a wrong claim only sends it to keys that did not sign it.
 *
 * @example
 * ```ts
 * const verifier = routeToken(token, issuers, domains); // a TrustedIssuer, or a TrustedDomain for a JWT-SVID
 * ```
 */
export function routeToken(
  token: string,
  issuers: ReadonlyMap<string, TrustedIssuer>,
  domains: ReadonlyMap<string, TrustedDomain>,
): TrustedIssuer | TrustedDomain {
  const { iss, sub } = unverifiedClaims(token);
  const issuer = typeof iss === 'string' ? issuers.get(iss) : undefined;
  if (issuer !== undefined) return issuer;
  if (domains.size > 0 && typeof sub === 'string' && sub.startsWith('spiffe://')) {
    let trustDomain: string;
    try {
      trustDomain = parseSpiffeId(sub).trustDomain;
    } catch (error) {
      throw invalidToken(`JWT-SVID claim "sub" is not a workload SPIFFE ID: ${(error as Error).message}`);
    }
    const domain = domains.get(trustDomain);
    if (domain === undefined) throw invalidToken(`JWT-SVID of trust domain ${quote(trustDomain)}, which is not trusted`);
    return domain;
  }
  const svid = domains.size > 0 ? ', and "sub" is not a SPIFFE ID of a trusted trust domain' : '';
  if (typeof iss !== 'string' || iss === '') throw invalidToken(`claim "iss" missing or not a string (got ${quote(iss)})${svid}`);
  throw invalidToken(`unknown issuer ${quote(iss)}${svid}`);
}

/**
 * Whether a routed verifier is a trust domain (JWT-SVIDs) rather than an issuer.
 *
 * @example
 * ```ts
 * if (isTrustDomain(route)) await verifyJwtSvid(token, route, checks);
 * ```
 */
export function isTrustDomain(verifier: TrustedIssuer): verifier is TrustedDomain {
  return 'trustDomain' in verifier;
}
