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
  let undici: Promise<{ fetch: typeof undiciFetch; Agent: typeof Agent }> | undefined;
  let dispatcher: Agent | undefined;
  return async (input: string | URL, init?: Record<string, unknown>) => {
    undici ??= import('undici').then(({ Agent, fetch }) => ({ fetch, Agent }));
    const { fetch, Agent } = await undici;
    try {
      const now = stampOf();
      if (now !== stamp) {
        ca = readFileSync(caFile);
        stamp = now;
        const previous = dispatcher;
        dispatcher = undefined;
        void previous?.close();
      }
    } catch {
      // Unreadable for a moment (being replaced): the CAs read last stay in use.
    }
    dispatcher ??= new Agent({ connect: { ca } });
    return fetch(input, { ...(init ?? {}), dispatcher });
  };
}
