import 'reflect-metadata';
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ClientIdentity } from './harness.js';

// Certificates the dev PKI (@rampart/pki) deliberately cannot make: a self-signed leaf (what an attacker makes for
// any SPIFFE ID without a CA) and a chain through an intermediate CA (its CAs have pathlen 0).

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR_MS = 3_600_000;

interface Signer {
  readonly name: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

/** A certificate for `subject`'s public key with `extensions`, signed by `issuer`, or self-signed without one. */
async function certificate(
  subject: Signer,
  extensions: x509.Extension[],
  issuer: Signer = subject,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: issuer === subject ? '01' : '02',
      subject: subject.name,
      issuer: issuer.name,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + HOUR_MS),
      publicKey: subject.keys.publicKey,
      signingKey: issuer.keys.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions,
    },
    webcrypto,
  );
}

const newSigner = async (name: string): Promise<Signer> => ({
  name,
  keys: await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']),
});

/** A certificate for `spiffeId` (clientAuth, `CA:false`) signed by `issuer`, or by its own key without one. */
async function leaf(spiffeId: string, issuer?: Signer): Promise<{ cert: x509.X509Certificate; key: string }> {
  const subject = await newSigner(`CN=${spiffeId.split('/').pop() ?? 'workload'}`);
  const cert = await certificate(
    subject,
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }]),
    ],
    issuer,
  );
  return { cert, key: await pemKey(subject.keys.privateKey) };
}

/** A CA certificate named `name`, self-signed without `issuer` (an intermediate with pathlen 0 with one). */
async function ca(name: string, issuer?: Signer): Promise<Signer & { cert: x509.X509Certificate }> {
  const subject = await newSigner(name);
  const cert = await certificate(
    subject,
    [
      new x509.BasicConstraintsExtension(true, issuer === undefined ? undefined : 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
    issuer,
  );
  return { ...subject, cert };
}

async function pemKey(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

function identity(cert: x509.X509Certificate, key: string, chain: readonly x509.X509Certificate[] = []): ClientIdentity {
  return {
    cert: [cert, ...chain].map((c) => c.toString('pem')).join('\n'),
    key,
    thumbprint: createHash('sha256').update(Buffer.from(cert.rawData)).digest('base64url'),
  };
}

/**
 * A self-signed client leaf (basicConstraints `CA:false`, clientAuth) naming `spiffeId` as its one URI SAN: what an
 * attacker can make for any workload's SPIFFE ID without any CA. Nobody's trust bundle holds it.
 *
 * @example
 * ```ts
 * const forged = await selfSignedLeaf('spiffe://test.rampart.dev/orders');
 * ```
 */
export async function selfSignedLeaf(spiffeId: string): Promise<ClientIdentity> {
  const { cert, key } = await leaf(spiffeId);
  return identity(cert, key);
}

/**
 * A root CA, an intermediate CA under it, and a client certificate for `spiffeId` issued by the intermediate: `root`
 * is the trust bundle (PEM), `client.cert` the leaf followed by the intermediate (the chain a client presents),
 * `leafOnly` the same key with the leaf alone (a client that forgot its intermediate).
 *
 * @example
 * ```ts
 * const { root, client } = await intermediateChain('spiffe://test.rampart.dev/orders');
 * ```
 */
export async function intermediateChain(
  spiffeId: string,
): Promise<{ root: string; intermediate: string; client: ClientIdentity; leafOnly: ClientIdentity }> {
  const root = await ca('CN=Test root CA');
  const intermediate = await ca('CN=Test intermediate CA', root);
  const { cert, key } = await leaf(spiffeId, intermediate);
  return {
    root: root.cert.toString('pem'),
    intermediate: intermediate.cert.toString('pem'),
    client: identity(cert, key, [intermediate.cert]),
    leafOnly: identity(cert, key),
  };
}
