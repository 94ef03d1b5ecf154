import { createHash, X509Certificate } from 'node:crypto';
import { parseSpiffeId, type PeerIdentity } from '@rampart/core';

/** The SANs of a certificate, from node's `subjectAltName` text (`URI:…, DNS:…, IP Address:…`). */
export function parseSubjectAltName(text: string | undefined): { uris: string[]; dnsNames: string[] } {
  const uris: string[] = [];
  const dnsNames: string[] = [];
  if (!text) return { uris, dnsNames };
  // Node quotes a value (JSON-style) when it contains a comma or other special characters.
  const entry = /(URI|DNS|IP Address|email|DirName|othername|Registered ID):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const match of text.matchAll(entry)) {
    const raw = match[2] ?? '';
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (match[1] === 'URI') uris.push(value);
    else if (match[1] === 'DNS') dnsNames.push(value);
  }
  return { uris, dnsNames };
}

/**
 * The identity in a verified client certificate (DER). The SPIFFE ID follows the X.509-SVID rules: exactly one
 * URI SAN, a valid `spiffe://` ID, and a leaf (not a CA) certificate; otherwise `spiffeId` is undefined and
 * methods that require mTLS refuse the peer.
 */
export function identityFromDer(der: Buffer): PeerIdentity {
  const cert = new X509Certificate(der);
  const { uris, dnsNames } = parseSubjectAltName(cert.subjectAltName);
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
    thumbprint: createHash('sha256').update(der).digest('base64url'),
  };
}
