import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import type { TokenFetch } from './token-types.js';

/**
 * A fetch for discovery and JWKS requests that trusts the CA certificates in `caFile` (PEM), e.g. the private CA
 * of an in-house issuer.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ issuers, fetch: fetchTrusting('/etc/rampart/issuer-ca.pem') });
 * ```
 */
export function fetchTrusting(caFile: string): TokenFetch {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  return (input: string | URL, init?: Record<string, unknown>) =>
    fetch(input, { ...(init ?? {}), dispatcher });
}
