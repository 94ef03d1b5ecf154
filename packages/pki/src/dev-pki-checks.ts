import { type X509Certificate } from 'node:crypto';
import { type CertificateAuthority, caMaterial, loadCa } from './certificate-authority.js';
import { keyMatchesCertificate, readP256PrivateKey } from './keys.js';
import { altNamesExtension, type AltNames } from './subject-names.js';
import { parseCertificatePem } from './certificate-pem.js';
import { loadX509 } from './x509-library.js';

/**
 * Loads a CA from its PEM files and keeps it only if it is valid now and stays valid for `keepForMs`.
 * Anything wrong (missing, unparsable, mismatched key, not yet valid, expiring) yields `undefined`.
 *
 * @example
 * ```ts
 * const ca = await usableCa(certPem, keyPem, new Date(), 26 * 3_600_000);
 * ```
 */
export async function usableCa(
  certPem: string | undefined,
  keyPem: string | undefined,
  now: Date,
  keepForMs: number,
): Promise<CertificateAuthority | undefined> {
  if (certPem === undefined || keyPem === undefined) {
    return undefined;
  }
  let ca: CertificateAuthority;
  try {
    ca = await loadCa(certPem, keyPem);
  } catch {
    return undefined;
  }
  const { cert } = await caMaterial(ca);
  return coversWindow(cert.notBefore, cert.notAfter, now, keepForMs) ? ca : undefined;
}

/**
 * Whether a stored workload certificate and key can be kept: the key is the certificate's P-256 key, the
 * certificate was issued and signed by `ca`, carries exactly the expected SANs, is valid now, and stays
 * valid for `keepForMs`.
 *
 * @example
 * ```ts
 * const keep = await isUsableWorkload(ca, certPem, keyPem, expectedNames, new Date(), 2 * 3_600_000);
 * ```
 */
export async function isUsableWorkload(
  ca: CertificateAuthority,
  certPem: string | undefined,
  keyPem: string | undefined,
  expected: AltNames,
  now: Date,
  keepForMs: number,
): Promise<boolean> {
  if (certPem === undefined || keyPem === undefined) {
    return false;
  }
  let nodeCert: X509Certificate;
  try {
    nodeCert = parseCertificatePem(certPem, 'workload certificate');
    if (!keyMatchesCertificate(readP256PrivateKey(keyPem, 'workload key'), nodeCert)) {
      return false;
    }
  } catch {
    return false;
  }
  const { nodeCert: caCert } = await caMaterial(ca);
  if (nodeCert.ca || !nodeCert.checkIssued(caCert) || !nodeCert.verify(caCert.publicKey)) {
    return false;
  }
  const x509 = await loadX509();
  const cert = new x509.X509Certificate(nodeCert.raw);
  if (!coversWindow(cert.notBefore, cert.notAfter, now, keepForMs)) {
    return false;
  }
  const actual = cert.getExtension(x509.SubjectAlternativeNameExtension)?.value;
  const wanted = altNamesExtension(x509, expected)?.value;
  return sameBytes(actual, wanted);
}

function coversWindow(notBefore: Date, notAfter: Date, now: Date, keepForMs: number): boolean {
  return notBefore.getTime() <= now.getTime() && notAfter.getTime() - keepForMs > now.getTime();
}

function sameBytes(a: ArrayBuffer | undefined, b: ArrayBuffer | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b;
  }
  return Buffer.from(a).equals(Buffer.from(b));
}
