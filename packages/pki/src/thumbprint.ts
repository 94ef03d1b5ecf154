import { createHash } from 'node:crypto';
import { parseCertificatePem } from './certificate-pem.js';

/**
 * The SHA-256 thumbprint of a certificate's DER encoding, base64url without padding: the value RFC 8705
 * puts in a token's `cnf["x5t#S256"]` to bind it to a client certificate. When the PEM holds a chain, the
 * first certificate counts.
 *
 * @throws TypeError when the input is not a PEM certificate.
 *
 * @example
 * ```ts
 * const issued = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/orders' });
 * thumbprintOfPem(issued.certPem) === issued.thumbprint; // true
 * ```
 */
export function thumbprintOfPem(certPem: string): string {
  return thumbprintOfDer(parseCertificatePem(certPem, 'certPem').raw);
}

/**
 * The SHA-256 thumbprint of DER bytes, base64url without padding (see {@link thumbprintOfPem}).
 *
 * @example
 * ```ts
 * const thumbprint = thumbprintOfDer(new X509Certificate(pem).raw);
 * ```
 */
export function thumbprintOfDer(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}
