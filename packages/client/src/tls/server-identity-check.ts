import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { parseSpiffeId } from '@rampart/core';
import { issuersOf, type TrustDomainBundles } from '@rampart/pki/internal';
import { serverSpiffeIdCheck } from './server-spiffe-check.js';
import { spiffeIdOfCertificate } from './spiffe-id-of-certificate.js';

/**
 * The `checkServerIdentity` of Rampart's mTLS channels. First the server's name: its SPIFFE ID must be
 * `expectedServerId` when one is pinned (see {@link serverSpiffeIdCheck}), else Node's hostname check applies. Then
 * its trust domain: TLS verified the chain against the union of all trust bundles, and the chain must also lead to a
 * CA in the bundle of the trust domain in the server's own SPIFFE ID (the own bundle for a certificate without one),
 * so a federated partner's CA cannot pass for one of your servers. Without a pin, the server is known by its host
 * name only, and only the own trust domain vouches for host names: a federated partner's server that names one of your
 * hosts is refused (pin its SPIFFE ID to call it). Node hands this callback the detailed certificate, whose
 * `issuerCertificate` links give the intermediates.
 *
 * @example
 * ```ts
 * const check = serverIdentityCheck('spiffe://demo.rampart.dev/inventory', () => watcher.current);
 * check('127.0.0.1', cert);
 * // → Error('server certificate spiffe://demo.rampart.dev/inventory refused: its chain does not lead to a CA in the
 * //   trust bundle of demo.rampart.dev (issuer: CN=partner CA)')
 * ```
 */
export function serverIdentityCheck(
  expectedServerId: string | undefined,
  bundles: () => TrustDomainBundles | undefined,
): (hostname: string, cert: PeerCertificate) => Error | undefined {
  const name = expectedServerId === undefined ? checkServerIdentity : serverSpiffeIdCheck(expectedServerId);
  const byHostName = expectedServerId === undefined;
  return (hostname, cert) => name(hostname, cert) ?? trustDomainError(cert, bundles(), byHostName);
}

function trustDomainError(cert: PeerCertificate, bundles: TrustDomainBundles | undefined, byHostName: boolean): Error | undefined {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert.raw);
  } catch (error) {
    return new Error('server certificate refused: it does not parse', { cause: error });
  }
  const id = leaf.ca ? undefined : spiffeIdOfCertificate(leaf);
  const refused = `server certificate ${id ?? 'without a SPIFFE ID'} refused`;
  if (bundles === undefined) return new Error(`${refused}: the trust bundles are not loaded yet`);
  if (byHostName && id !== undefined && !id.startsWith(`spiffe://${bundles.trustDomain}/`)) {
    return new Error(
      `${refused}: it was checked by host name (no expectedServerId), which only this workload's own trust domain ${bundles.trustDomain} vouches for. Fix: pin the server with expectedServerId to call a server of another trust domain`,
    );
  }
  let problem: string | undefined;
  try {
    problem = bundles.anchorProblem(leaf, id === undefined ? undefined : parseSpiffeId(id).trustDomain, () => issuersOf(cert));
  } catch (error) {
    problem = `its chain could not be checked (${error instanceof Error ? error.message : String(error)})`;
  }
  return problem === undefined ? undefined : new Error(`${refused}: ${problem}`);
}
