import { createPrivateKey, X509Certificate } from 'node:crypto';

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
 * they can: the key must match the certificate, which must not have expired by `nowMs`.
 *
 * @example
 * ```ts
 * certificateKeyProblem(certPem, otherKeyPem); // 'the private key does not match the certificate'
 * ```
 */
export function certificateKeyProblem(certificate: string | Buffer, privateKey: string | Buffer, nowMs = Date.now()): string | undefined {
  try {
    const leaf = new X509Certificate(certificate);
    if (!leaf.checkPrivateKey(createPrivateKey(privateKey))) return 'the private key does not match the certificate';
    if (new Date(leaf.validTo).getTime() < nowMs) return `the certificate expired at ${leaf.validTo}`;
    return undefined;
  } catch (error) {
    return `not valid PEM (${error instanceof Error ? error.message : String(error)})`;
  }
}
