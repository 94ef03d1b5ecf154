import { readFileSync } from 'node:fs';
import type { Agent, fetch as undiciFetch } from 'undici';
import type { TokenFetch } from './token-types.js';

/**
 * A fetch for discovery and JWKS requests that trusts the CA certificates in `caFile` (PEM), e.g. the private CA
 * of an in-house issuer. The file is read now (a wrong path fails at start-up); undici, ~3.5 MB of heap, is loaded
 * on the first request, so a server whose keys never come over the network does not carry it.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ issuers, fetch: fetchTrusting('/etc/rampart/issuer-ca.pem') });
 * ```
 */
export function fetchTrusting(caFile: string): TokenFetch {
  const ca = readFileSync(caFile);
  let client: Promise<{ fetch: typeof undiciFetch; dispatcher: Agent }> | undefined;
  return async (input: string | URL, init?: Record<string, unknown>) => {
    client ??= import('undici').then(({ Agent, fetch }) => ({ fetch, dispatcher: new Agent({ connect: { ca } }) }));
    const { fetch, dispatcher } = await client;
    return fetch(input, { ...(init ?? {}), dispatcher });
  };
}
