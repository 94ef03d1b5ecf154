/** The subject alternative names of a certificate, by kind. */
export interface SubjectAltNames {
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * Parses Node's text form of a certificate's SANs (`X509Certificate.subjectAltName`, or a TLS peer certificate's
 * `subjectaltname`): `URI:spiffe://demo.rampart.dev/orders, DNS:localhost, IP Address:127.0.0.1`. Node writes a value
 * that contains `,`, `"`, `\`, `'` or control characters as a JSON string in double quotes, so `", "` separates
 * entries only outside quotes; quoted values are decoded. Returns `undefined` when the text cannot be read
 * unambiguously (an unterminated quote): callers must then treat the certificate as carrying no identity.
 *
 * @example
 * ```ts
 * parseSubjectAltNames('URI:spiffe://demo.rampart.dev/orders, DNS:localhost');
 * // → { uris: ['spiffe://demo.rampart.dev/orders'], dnsNames: ['localhost'], ipAddresses: [] }
 * ```
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltNames | undefined {
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  if (text === undefined || text === '') return { uris, dnsNames, ipAddresses };
  const entries = splitEntries(text);
  if (entries === undefined) return undefined;
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon === -1) continue;
    const kind = entry.slice(0, colon);
    const raw = entry.slice(colon + 1);
    const value = raw.startsWith('"') ? decodeQuoted(raw) : raw;
    if (kind === 'URI') uris.push(value);
    else if (kind === 'DNS') dnsNames.push(value);
    else if (kind === 'IP Address') ipAddresses.push(value);
  }
  return { uris, dnsNames, ipAddresses };
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
