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
  const text = altNamesText(cert);
  if (text === undefined || text === '') return [];
  const entries = splitEntries(text);
  if (entries === undefined) return undefined;
  const uris: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('URI:')) continue;
    const value = entry.slice('URI:'.length);
    uris.push(value.startsWith('"') ? decodeQuoted(value) : value);
  }
  return uris;
}

function altNamesText(cert: CertificateWithAltNames | null | undefined): string | undefined {
  if (cert === null || typeof cert !== 'object') return undefined;
  const value =
    'subjectaltname' in cert ? cert.subjectaltname : 'subjectAltName' in cert ? cert.subjectAltName : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Splits at `", "` outside double quotes; `undefined` for an unterminated quote. */
function splitEntries(text: string): string[] | undefined {
  const entries: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',' && text[i + 1] === ' ') {
      entries.push(text.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (quoted) return undefined;
  entries.push(text.slice(start));
  return entries;
}

function decodeQuoted(value: string): string {
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' ? decoded : value;
  } catch {
    return value;
  }
}
