import { parseSpiffeId } from '@rampart/core';
import { uriSansOf, type CertificateWithAltNames } from './subject-alt-names.js';

/**
 * The SPIFFE ID a certificate names, following the X.509-SVID rule: the certificate carries exactly one URI
 * SAN and it is a valid workload SPIFFE ID (checked with `parseSpiffeId`). Anything else (no URI SAN, two or
 * more URI SANs, even if only one of them is `spiffe://`, or an invalid ID) gives `undefined`. It does not
 * verify the certificate: use it on certificates TLS has already verified against a trust bundle.
 *
 * Internal to `@rampart/client` (the server computes peer identities with its own code).
 *
 * @example
 * ```ts
 * checkServerIdentity: (_host, cert) => spiffeIdOfCertificate(cert) === expected ? undefined : new Error('…');
 * spiffeIdOfCertificate(new X509Certificate(pem)); // 'spiffe://demo.rampart.dev/orders'
 * spiffeIdOfCertificate({ subjectaltname: 'DNS:localhost' }); // undefined
 * ```
 */
export function spiffeIdOfCertificate(cert: CertificateWithAltNames | null | undefined): string | undefined {
  const uris = uriSansOf(cert);
  if (uris?.length !== 1) return undefined;
  const [uri] = uris as [string];
  return isSpiffeId(uri) ? uri : undefined;
}

/**
 * Whether a string is a valid workload SPIFFE ID.
 *
 * @example
 * ```ts
 * isSpiffeId('spiffe://demo.rampart.dev/orders'); // true
 * ```
 */
export function isSpiffeId(value: string): boolean {
  try {
    parseSpiffeId(value);
    return true;
  } catch {
    return false;
  }
}
