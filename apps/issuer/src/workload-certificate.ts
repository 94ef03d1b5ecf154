import type { ClientPolicy } from './clients.js';
import { peerSpiffeIdMatches, requestCertificate } from './mtls.js';

/** The part of Koa's context read here. */
type WithRequest = Parameters<typeof requestCertificate>[0];

/**
 * Why this request's client certificate cannot stand for the client's workload, or undefined when it can. A token
 * is bound to that certificate and an exchanged one names the client's `spiffe_id` as its actor, so the certificate
 * must prove that SPIFFE ID whatever the client authenticated with:
 * - `tls_client_auth`: client authentication itself verified the chain and the SPIFFE ID;
 * - `self_signed_tls_client_auth`: the certificate is the one registered, and registration checked that it names
 *   `spiffe_id`;
 * - `private_key_jwt` and client secrets prove the client, not the workload: the certificate must chain to the trust
 *   bundle of its trust domain and carry `spiffe_id`, so a leaked secret or key cannot get tokens bound to (or acting
 *   as) another workload, nor to a certificate nobody vouches for.
 *
 * @example
 * ```ts
 * const problem = workloadCertificateProblem(ctx, policy);
 * if (problem !== undefined) throw new errors.InvalidGrant(problem);
 * ```
 */
export function workloadCertificateProblem(ctx: WithRequest, policy: ClientPolicy): string | undefined {
  const { method } = policy.authentication;
  if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') return undefined;
  const { certificate, problem } = requestCertificate(ctx);
  if (certificate === undefined) return 'mutual TLS client certificate not provided';
  if (problem !== undefined) return `the client certificate is not a verified workload certificate (${problem})`;
  if (!peerSpiffeIdMatches(ctx, 'tls_client_auth_san_uri', policy.spiffeId)) {
    return `the client certificate does not carry the client's SPIFFE ID ${policy.spiffeId}`;
  }
  return undefined;
}
