import 'reflect-metadata';
import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { loadCa, type CertificateAuthority } from '../../src/index.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/**
 * A root CA that may sign one level of intermediates (pathlen 1) and an intermediate under it, for chains the dev
 * PKI's own CAs (pathlen 0) cannot make. The intermediate is a `CertificateAuthority`, so `issueCertificate` issues
 * leaves from it (their `chainPem` is leaf + intermediate).
 */
export async function rootAndIntermediate(name: string): Promise<{ root: CertificateAuthority; intermediate: CertificateAuthority }> {
  const now = Date.now();
  const window = { notBefore: new Date(now - 60_000), notAfter: new Date(now + DAY_MS) };
  const rootKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: `CN=${name} root`,
      ...window,
      keys: rootKeys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: `CN=${name} intermediate`,
      issuer: rootCert.subjectName,
      ...window,
      publicKey: keys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const pem = (key: webcrypto.CryptoKey) => KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    root: await loadCa(rootCert.toString('pem'), pem(rootKeys.privateKey)),
    intermediate: await loadCa(cert.toString('pem'), pem(keys.privateKey)),
  };
}
