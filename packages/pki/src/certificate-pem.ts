import { X509Certificate } from 'node:crypto';

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
