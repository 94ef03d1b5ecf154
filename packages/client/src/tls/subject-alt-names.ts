import { parseSubjectAltNames } from '@rampart/core';

/**
 * A certificate as Node exposes it: a `tls` peer certificate (`subjectaltname`, also what grpc-js's
 * `getAuthContext().sslPeerCertificate` holds) or a `node:crypto` `X509Certificate` (`subjectAltName`).
 * Both carry the subject alternative names in the same text form, e.g.
 * `URI:spiffe://demo.rampart.dev/orders, DNS:localhost, IP Address:127.0.0.1`.
 *
 * @example
 * ```ts
 * const fromTls: CertificateWithAltNames = tlsSocket.getPeerCertificate();
 * const fromCrypto: CertificateWithAltNames = new X509Certificate(pem);
 * ```
 */
export type CertificateWithAltNames =
  | { readonly subjectaltname?: string | undefined }
  | { readonly subjectAltName?: string | undefined };

/**
 * The URI SANs of a certificate, in order; `[]` when it has none, `undefined` when Node's SAN text cannot be
 * read unambiguously.
 *
 * Node writes a value that contains `,`, `"`, `\`, `'` or control characters as a JSON string in double
 * quotes, so `", "` only separates entries outside quotes. Quoted URIs are decoded; they can never be valid
 * SPIFFE IDs, but they still count.
 *
 * @example
 * ```ts
 * uriSansOf({ subjectaltname: 'URI:spiffe://demo.rampart.dev/orders, DNS:localhost' });
 * // → ['spiffe://demo.rampart.dev/orders']
 * ```
 */
export function uriSansOf(cert: CertificateWithAltNames | null | undefined): string[] | undefined {
  const parsed = parseSubjectAltNames(altNamesText(cert));
  return parsed === undefined ? undefined : [...parsed.uris];
}

function altNamesText(cert: CertificateWithAltNames | null | undefined): string | undefined {
  if (cert === null || typeof cert !== 'object') return undefined;
  const value =
    'subjectaltname' in cert ? cert.subjectaltname : 'subjectAltName' in cert ? cert.subjectAltName : undefined;
  return typeof value === 'string' ? value : undefined;
}
