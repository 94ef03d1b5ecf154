import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import { messageOf } from './message-of.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const X509_SVID_USE = 'x509-svid';

/**
 * Parses a trust bundle: PEM certificates (one or more `CERTIFICATE` blocks; text between them is ignored), or a
 * SPIFFE bundle, the JWK Set a SPIRE federation endpoint serves (`keys`, optional `spiffe_sequence` and
 * `spiffe_refresh_hint`): every key whose `use` is `x509-svid` holds exactly one certificate in `x5c` (base64 DER),
 * and its public key must be the certificate's. Keys of other uses (`jwt-svid`) are skipped. The format is told by
 * the first character: `{` is JSON. At least one certificate is required.
 *
 * @param text the file's content.
 * @param source what to call it in errors, e.g. `transport.tls.caFile /etc/tls/ca.pem`.
 * @throws Error naming `source` and what is wrong with it.
 *
 * @example
 * ```ts
 * const anchors = parseTrustBundle(readFileSync('partner.bundle.json', 'utf8'), 'partner.bundle.json');
 * anchors[0].subject; // 'CN=partner root'
 * ```
 */
export function parseTrustBundle(text: string, source: string): X509Certificate[] {
  return text.trimStart().startsWith('{') ? parseSpiffeBundle(text, source) : parsePemBundle(text, source);
}

/**
 * Writes CA certificates as a SPIFFE bundle (the JWK Set format of SPIRE's federation endpoint), which
 * `parseTrustBundle` reads: one `x509-svid` key per certificate, its public JWK and the DER in `x5c`.
 *
 * @example
 * ```ts
 * writeFileSync('ours.bundle.json', formatSpiffeBundle([ca.certPem], { sequence: 1, refreshHintSeconds: 300 }));
 * ```
 */
export function formatSpiffeBundle(
  certificatePems: readonly string[],
  options: { readonly sequence?: number; readonly refreshHintSeconds?: number } = {},
): string {
  const keys = certificatePems.map((pem) => {
    const cert = new X509Certificate(pem);
    return { use: X509_SVID_USE, ...cert.publicKey.export({ format: 'jwk' }), x5c: [cert.raw.toString('base64')] };
  });
  return `${JSON.stringify(
    {
      keys,
      ...(options.sequence === undefined ? {} : { spiffe_sequence: options.sequence }),
      ...(options.refreshHintSeconds === undefined ? {} : { spiffe_refresh_hint: options.refreshHintSeconds }),
    },
    null,
    2,
  )}\n`;
}

function parsePemBundle(text: string, source: string): X509Certificate[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error(`${source} holds no usable PEM certificate (no BEGIN CERTIFICATE block)`);
  return blocks.map((block, index) => {
    const fail = (what: string, error: unknown): never => {
      throw new Error(`${source} holds no usable PEM certificate: certificate ${index + 1} ${what} (${messageOf(error)})`, { cause: error });
    };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (error) {
      return fail('does not parse', error);
    }
    try {
      // A certificate whose key OpenSSL cannot read (a point off its curve) parses, but can never verify a chain.
      void cert.publicKey;
    } catch (error) {
      return fail('has a public key that does not parse', error);
    }
    return cert;
  });
}

function parseSpiffeBundle(text: string, source: string): X509Certificate[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not a valid SPIFFE bundle: not JSON (${messageOf(error)})`, { cause: error });
  }
  const fail = (reason: string): never => {
    throw new Error(`${source} is not a valid SPIFFE bundle: ${reason}`);
  };
  if (!isRecord(document)) return fail('expected a JSON object (a JWK Set)');
  const keys = document['keys'];
  if (!Array.isArray(keys)) return fail('"keys" must be an array');
  for (const member of ['spiffe_sequence', 'spiffe_refresh_hint'] as const) {
    const value = document[member];
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      fail(`"${member}" must be a non-negative integer`);
    }
  }
  const anchors: X509Certificate[] = [];
  keys.forEach((key: unknown, index) => {
    if (!isRecord(key)) return fail(`keys[${index}] is not an object`);
    if (key['use'] !== X509_SVID_USE) return undefined;
    anchors.push(x509Authority(key, (reason) => fail(`keys[${index}] (use x509-svid) ${reason}`)));
    return undefined;
  });
  if (anchors.length === 0) fail('it holds no X.509 authority (no key with "use": "x509-svid")');
  return anchors;
}

function x509Authority(key: Record<string, unknown>, fail: (reason: string) => never): X509Certificate {
  const x5c = key['x5c'];
  if (!Array.isArray(x5c) || x5c.length !== 1) {
    return fail(`must hold exactly one certificate in "x5c", it holds ${Array.isArray(x5c) ? x5c.length : 'none'}`);
  }
  const encoded: unknown = x5c[0];
  if (typeof encoded !== 'string' || !BASE64.test(encoded)) return fail('has an "x5c" entry that is not base64 DER');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(encoded, 'base64'));
  } catch (error) {
    return fail(`has an "x5c" certificate that does not parse (${messageOf(error)})`);
  }
  let jwkKey: Buffer;
  try {
    jwkKey = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'der' });
  } catch (error) {
    return fail(`is not a valid public JWK (${messageOf(error)})`);
  }
  let certKey: Buffer;
  try {
    certKey = cert.publicKey.export({ type: 'spki', format: 'der' });
  } catch (error) {
    return fail(`has an "x5c" certificate whose public key does not parse (${messageOf(error)})`);
  }
  if (!jwkKey.equals(certKey)) {
    return fail('has a public key that is not the key of its "x5c" certificate');
  }
  return cert;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
