import { createHash, X509Certificate } from 'node:crypto';
import { parseSpiffeId, parseSubjectAltNames, type PeerIdentity } from '@rampart/core';

/**
 * The identity in a verified client certificate (DER). The SPIFFE ID follows the X.509-SVID rules: exactly one
 * URI SAN, a valid `spiffe://` ID, and a leaf (not a CA) certificate; otherwise `spiffeId` is undefined and
 * methods that require mTLS refuse the peer.
 *
 * @example
 * ```ts
 * identityFromDer(call.getAuthContext().sslPeerCertificate.raw).spiffeId; // 'spiffe://demo.rampart.dev/orders'
 * ```
 */
export function identityFromDer(der: Buffer): PeerIdentity {
  return identityFromCertificate(new X509Certificate(der));
}

/**
 * The identity in a parsed client certificate (see {@link identityFromDer}).
 *
 * @example
 * ```ts
 * const identity = identityFromCertificate(new X509Certificate(der));
 * ```
 */
export function identityFromCertificate(cert: X509Certificate): PeerIdentity {
  // Ambiguous SAN text (which Node should never produce) counts as no names, so no identity.
  const { uris, dnsNames } = parseSubjectAltNames(cert.subjectAltName) ?? { uris: [], dnsNames: [] };
  let spiffeId: string | undefined;
  let trustDomain: string | undefined;
  if (uris.length === 1 && !cert.ca) {
    try {
      trustDomain = parseSpiffeId(uris[0] as string).trustDomain;
      spiffeId = uris[0];
    } catch {
      // not a valid SPIFFE ID: no workload identity
    }
  }
  return {
    spiffeId,
    trustDomain,
    uris,
    dnsNames,
    subject: cert.subject,
    serialNumber: cert.serialNumber,
    notAfter: new Date(cert.validTo),
    thumbprint: createHash('sha256').update(cert.raw).digest('base64url'),
  };
}
