// Test-only inspection of certificate extensions that node:crypto does not expose (key usage bits,
// criticality, key identifiers). It reuses the package's own loader of @peculiar/x509.
import { X509Certificate } from 'node:crypto';
import { loadX509 } from '../../src/x509-library.js';

const x509 = await loadX509();

/** Extension details of a PEM certificate. */
export interface CertificateDetails {
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | undefined; readonly critical: boolean } | undefined;
  readonly keyUsage: { readonly flags: number; readonly critical: boolean } | undefined;
  readonly extendedKeyUsage: { readonly usages: readonly string[]; readonly critical: boolean } | undefined;
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  readonly altNamesCritical: boolean | undefined;
  readonly signatureAlgorithm: string;
  readonly publicKeyCurve: string | undefined;
}

export const KEY_USAGE = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
} as const;

export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export function inspectCertificate(pem: string): CertificateDetails {
  const nodeCert = new X509Certificate(pem);
  const cert = new x509.X509Certificate(nodeCert.raw);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  const extended = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    basicConstraints: basic ? { ca: basic.ca, pathLength: basic.pathLength, critical: basic.critical } : undefined,
    keyUsage: usage ? { flags: usage.usages, critical: usage.critical } : undefined,
    extendedKeyUsage: extended ? { usages: extended.usages.map(String), critical: extended.critical } : undefined,
    subjectKeyId: cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    authorityKeyId: cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
    altNamesCritical: san?.critical,
    signatureAlgorithm: JSON.stringify(cert.signatureAlgorithm),
    publicKeyCurve: nodeCert.publicKey.asymmetricKeyDetails?.namedCurve,
  };
}
