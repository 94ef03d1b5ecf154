import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { messageOf } from './message-of.js';

/**
 * Parses a PEM certificate with node:crypto, turning parse failures into a TypeError that names the input.
 *
 * @example
 * ```ts
 * const cert = parseCertificatePem(pem, 'ca.pem');
 * ```
 */
export function parseCertificatePem(pem: string, label: string): X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TypeError(`${label} is not a PEM certificate`);
  }
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new TypeError(`${label} is not a valid PEM certificate`, { cause });
  }
}

/**
 * Why a certificate (PEM, optionally followed by its chain) and a private key cannot serve TLS, or undefined when
 * they can: both parse, the key matches the certificate, which is within its validity period at `nowMs`, and Node's
 * TLS accepts the whole file (a chain cut short by a half-written file parses as a leaf but is refused by TLS).
 *
 * @example
 * ```ts
 * certificateKeyProblem(certPem, otherKeyPem); // 'the private key does not match the certificate'
 * ```
 */
export function certificateKeyProblem(certificate: string | Buffer, privateKey: string | Buffer, nowMs = Date.now()): string | undefined {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certificate);
    if (!leaf.checkPrivateKey(createPrivateKey(privateKey))) return 'the private key does not match the certificate';
  } catch (error) {
    return `not valid PEM (${messageOf(error)})`;
  }
  if (new Date(leaf.validTo).getTime() < nowMs) return `the certificate expired at ${leaf.validTo}`;
  if (new Date(leaf.validFrom).getTime() > nowMs) return `the certificate is not valid before ${new Date(leaf.validFrom).toISOString()}`;
  try {
    createSecureContext({ cert: certificate, key: privateKey });
  } catch (error) {
    return `TLS refuses them (${messageOf(error)}): a certificate chain or key cut short?`;
  }
  return undefined;
}
