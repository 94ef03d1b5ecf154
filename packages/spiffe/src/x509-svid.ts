import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { parseSpiffeId, parseSubjectAltNames } from '@rampart/core';
import { parseDerCertificates } from './der-certificates.js';

/**
 * One X.509-SVID from the Workload API, checked: its chain (leaf first), its key, PEM for TLS, and its validity.
 *
 * @example
 * ```ts
 * const svid: X509Svid = source.svid();
 * tls.createSecureContext({ cert: svid.certificateChainPem, key: svid.privateKeyPem });
 * ```
 */
export interface X509Svid {
  /** The SPIFFE ID, the leaf's one URI SAN, e.g. `spiffe://demo.rampart.dev/orders`. */
  readonly spiffeId: string;
  /** The trust domain of `spiffeId`, e.g. `demo.rampart.dev`. */
  readonly trustDomain: string;
  /** The operator's label for this SVID (`''` when none). */
  readonly hint: string;
  /** The chain: the leaf, then any intermediates. */
  readonly certificates: readonly X509Certificate[];
  /** The chain, PEM, leaf first: what a TLS server or client presents. */
  readonly certificateChainPem: Buffer;
  /** The leaf's private key, PKCS#8 PEM. */
  readonly privateKeyPem: Buffer;
  /** The leaf's private key. */
  readonly privateKey: KeyObject;
  readonly notBefore: Date;
  /** When the leaf expires; the SVID is refused from then on. */
  readonly notAfter: Date;
}

/** The fields of one `X509SVID` message (proto-loader's camelCase). */
export interface X509SvidMessage {
  readonly spiffeId: string;
  readonly x509Svid: Uint8Array;
  readonly x509SvidKey: Uint8Array;
  readonly bundle: Uint8Array;
  readonly hint: string;
}

/**
 * Parses and checks one X.509-SVID by the X509-SVID specification: `spiffe_id` a valid workload SPIFFE ID; the chain
 * concatenated DER, leaf first, the leaf not a CA and carrying exactly one URI SAN, equal to `spiffe_id`; every
 * further certificate a CA that issued the one before it; the key unencrypted PKCS#8 DER and the leaf's; the leaf
 * valid now.
 *
 * @throws Error saying what is wrong (for the `error` event and logs).
 *
 * @example
 * ```ts
 * const svid = parseX509Svid(message.svids[0]);
 * ```
 */
export function parseX509Svid(message: X509SvidMessage, nowMs: number = Date.now()): X509Svid {
  const id = message.spiffeId;
  const fail = (problem: string, cause?: unknown): never => {
    throw new Error(`the X.509-SVID for ${JSON.stringify(id.slice(0, 120))} is refused: ${problem}`, cause === undefined ? undefined : { cause });
  };
  let trustDomain = '';
  try {
    trustDomain = parseSpiffeId(id).trustDomain;
  } catch (error) {
    fail((error as Error).message, error);
  }
  const certificates = parseDerCertificates(message.x509Svid, 'x509_svid');
  const leaf = certificates[0]!;
  if (leaf.ca) fail('its leaf certificate is a CA certificate');
  const uris = parseSubjectAltNames(leaf.subjectAltName)?.uris;
  if (uris === undefined || uris.length !== 1) fail(`its leaf must carry exactly one URI SAN, it carries ${uris?.length ?? 'unreadable ones'}`);
  if (uris![0] !== id) fail(`its leaf's URI SAN ${JSON.stringify(uris![0]!.slice(0, 120))} is not spiffe_id`);
  for (let i = 1; i < certificates.length; i++) {
    const issuer = certificates[i]!;
    if (!issuer.ca) fail(`certificate ${i + 1} of the chain is not a CA certificate`);
    if (!certificates[i - 1]!.checkIssued(issuer) || !certificates[i - 1]!.verify(issuer.publicKey)) {
      fail(`certificate ${i} of the chain was not issued by certificate ${i + 1}`);
    }
  }
  let privateKey: KeyObject | undefined;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(message.x509SvidKey), format: 'der', type: 'pkcs8' });
  } catch (error) {
    fail(`x509_svid_key is not an unencrypted PKCS#8 DER key (${(error as Error).message})`, error);
  }
  if (!leaf.checkPrivateKey(privateKey!)) fail('x509_svid_key is not the key of its leaf certificate');
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() <= nowMs) fail(`its leaf expired at ${notAfter.toISOString()}`);
  return Object.freeze({
    spiffeId: id,
    trustDomain,
    hint: message.hint,
    certificates: Object.freeze(certificates),
    certificateChainPem: Buffer.from(certificates.map((cert) => withNewline(cert.toString())).join('')),
    privateKeyPem: Buffer.from(privateKey!.export({ type: 'pkcs8', format: 'pem' })),
    privateKey: privateKey!,
    notBefore,
    notAfter,
  });
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
