import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, formatSpiffeBundle } from '../src/index.js';
import { parseTrustBundle } from '../src/internal.js';

// Found by `pnpm fuzz` (target trust-bundle): a certificate whose public key is not a point on its curve (one byte
// off) still parses as X.509, but reading its key throws OpenSSL's bare "decode error". In a SPIFFE bundle that error
// escaped parseTrustBundle without naming the file or the entry; in a PEM bundle such an authority was accepted and
// could never verify a chain. Both are now refused, naming the source and the certificate.

let pem: string;
let brokenDer: Buffer;

beforeAll(async () => {
  pem = (await createCa({ commonName: 'broken key CA' })).certPem;
  const cert = new X509Certificate(pem);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  brokenDer = Buffer.from(cert.raw);
  const at = brokenDer.indexOf(spki) + spki.length - 40; // inside the point's X coordinate
  brokenDer[at] = (brokenDer[at] as number) ^ 0x01;
});

const pemOf = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

describe('parseTrustBundle with a certificate whose public key does not parse', () => {
  it('still parses as a certificate, whose key throws a bare OpenSSL error', () => {
    const cert = new X509Certificate(brokenDer);
    expect(() => cert.publicKey).toThrow(/decode error/);
  });

  it('refuses it in a SPIFFE bundle, naming the source and the entry', () => {
    const bundle = JSON.parse(formatSpiffeBundle([pem])) as { keys: Record<string, unknown>[] };
    const key = bundle.keys[0] as Record<string, unknown>;
    key['x5c'] = [brokenDer.toString('base64')];
    expect(() => parseTrustBundle(JSON.stringify(bundle), 'partner.json')).toThrow(
      /^partner\.json is not a valid SPIFFE bundle: keys\[0\] \(use x509-svid\) has an "x5c" certificate whose public key does not parse \(.*decode error\)$/,
    );
  });

  it('refuses it in a PEM bundle, naming the source and the certificate', () => {
    expect(() => parseTrustBundle(`${pem}${pemOf(brokenDer)}`, 'caFile /x/ca.pem')).toThrow(
      /^caFile \/x\/ca\.pem holds no usable PEM certificate: certificate 2 has a public key that does not parse \(.*decode error\)$/,
    );
  });
});
