import { readFileSync, statSync } from 'node:fs';
import type { Agent, fetch as undiciFetch } from 'undici';
import type { TokenFetch } from './token-types.js';

/**
 * A fetch for discovery and JWKS requests that trusts the CA certificates in `caFile` (PEM), e.g. the private CA
 * of an in-house issuer. The file is read now (a wrong path fails at start-up) and again when it changes (its size
 * or modification time, looked at on each request: they are rare), so a CA rotation that moves the issuer to a new
 * CA reaches the verifiers without a restart; a file that cannot be read keeps the CAs read last. undici, ~3.5 MB of
 * heap, is loaded on the first request, so a server whose keys never come over the network does not carry it.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ issuers, fetch: fetchTrusting('/etc/rampart/issuer-ca.pem') });
 * ```
 */
export function fetchTrusting(caFile: string): TokenFetch {
  const stampOf = (): string => {
    const s = statSync(caFile);
    return `${s.mtimeMs}:${s.size}`;
  };
  let stamp = stampOf();
  let ca = readFileSync(caFile);
  return fetchTrustingCa(() => {
    try {
      const now = stampOf();
      if (now !== stamp) {
        ca = readFileSync(caFile);
        stamp = now;
      }
    } catch {
      // Unreadable for a moment (being replaced): the CAs read last stay in use.
    }
    return ca;
  });
}

/**
 * A fetch that trusts the CA certificates `ca()` gives at each request (PEM), and only those: a new connection pool
 * when they change. For CAs held in memory, such as the own trust domain's bundle from the SPIFFE Workload API; a
 * request while `ca()` has none fails.
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier({ issuers, fetch: fetchTrustingCa(() => ownBundlePem()) });
 * ```
 */
export function fetchTrustingCa(ca: () => Buffer | undefined): TokenFetch {
  let undici: Promise<{ fetch: typeof undiciFetch; Agent: typeof Agent }> | undefined;
  let dispatcher: { readonly agent: Agent; readonly ca: Buffer } | undefined;
  return async (input: string | URL, init?: Record<string, unknown>) => {
    undici ??= import('undici').then(({ Agent, fetch }) => ({ fetch, Agent }));
    const { fetch, Agent } = await undici;
    const now = ca();
    if (now === undefined || now.length === 0) throw new TypeError('fetch failed: no CA certificates to trust yet', { cause: new Error('no trust bundle') });
    if (dispatcher === undefined || !dispatcher.ca.equals(now)) {
      const previous = dispatcher;
      dispatcher = { agent: new Agent({ connect: { ca: now } }), ca: now };
      void previous?.agent.close();
    }
    return fetch(input, { ...(init ?? {}), dispatcher: dispatcher.agent });
  };
}
