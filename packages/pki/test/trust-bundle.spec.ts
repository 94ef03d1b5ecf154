import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, formatSpiffeBundle, type CertificateAuthority } from '../src/index.js';
import { parseTrustBundle } from '../src/internal.js';

/** A SPIFFE bundle (what a SPIRE federation endpoint serves) holding the given CAs as x509-svid authorities. */
function spiffeBundle(cas: readonly CertificateAuthority[]): Record<string, unknown> {
  return JSON.parse(formatSpiffeBundle(cas.map((ca) => ca.certPem), { sequence: 3, refreshHintSeconds: 300 })) as Record<string, unknown>;
}

let a: CertificateAuthority;
let b: CertificateAuthority;

beforeAll(async () => {
  [a, b] = await Promise.all([createCa({ commonName: 'bundle A' }), createCa({ commonName: 'bundle B' })]);
});

describe('parseTrustBundle: PEM', () => {
  it('reads every certificate of a PEM bundle, ignoring text between blocks', () => {
    const parsed = parseTrustBundle(`# ours\n${a.certPem}\n# partner's\n${b.certPem}`, 'ca.pem');
    expect(parsed.map((cert) => cert.subject)).toEqual(['CN=bundle A', 'CN=bundle B']);
  });

  it('refuses a file without a certificate, and one whose block does not parse, naming the source', () => {
    expect(() => parseTrustBundle('not a certificate\n', 'caFile /x/ca.pem')).toThrow(
      'caFile /x/ca.pem holds no usable PEM certificate (no BEGIN CERTIFICATE block)',
    );
    const broken = `${a.certPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
    expect(() => parseTrustBundle(broken, 'caFile /x/ca.pem')).toThrow(/caFile \/x\/ca\.pem holds no usable PEM certificate: certificate 2 does not parse/);
  });
});

describe('parseTrustBundle: SPIFFE bundle (JWK Set)', () => {
  it('reads the x509-svid authorities and skips jwt-svid keys', () => {
    const bundle = spiffeBundle([a, b]);
    expect(bundle).toMatchObject({ spiffe_sequence: 3, spiffe_refresh_hint: 300 });
    (bundle['keys'] as unknown[]).push({ use: 'jwt-svid', kty: 'EC', kid: 'k1', crv: 'P-256', x: 'AA', y: 'AA' });
    const parsed = parseTrustBundle(JSON.stringify(bundle, null, 2), 'partner.json');
    expect(parsed.map((cert) => cert.raw)).toEqual([new X509Certificate(a.certPem).raw, new X509Certificate(b.certPem).raw]);
  });

  it.each([
    ['not JSON', '{"keys": [', /partner\.json is not a valid SPIFFE bundle: not JSON/],
    ['no keys', JSON.stringify({ spiffe_sequence: 1 }), /"keys" must be an array/],
    ['a negative sequence', 'SEQ', /"spiffe_sequence" must be a non-negative integer/],
    ['only JWT authorities', JSON.stringify({ keys: [{ use: 'jwt-svid', kty: 'EC' }] }), /holds no X\.509 authority/],
    ['two certificates in x5c', 'TWO', /keys\[0\] \(use x509-svid\) must hold exactly one certificate in "x5c", it holds 2/],
    ['x5c that is not base64', 'B64', /keys\[0\] \(use x509-svid\) has an "x5c" entry that is not base64 DER/],
    ['a JWK that is not the certificate key', 'MISMATCH', /keys\[0\] \(use x509-svid\) has a public key that is not the key of its "x5c" certificate/],
  ])('refuses %s, naming the source and the entry', (_name, text, message) => {
    const bundle = spiffeBundle([a]);
    const key = (bundle['keys'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    const other = new X509Certificate(b.certPem);
    const texts: Record<string, unknown> = {
      SEQ: { ...bundle, spiffe_sequence: -1 },
      TWO: { keys: [{ ...key, x5c: [...(key['x5c'] as string[]), other.raw.toString('base64')] }] },
      B64: { keys: [{ ...key, x5c: ['%%%'] }] },
      MISMATCH: { keys: [{ ...key, ...other.publicKey.export({ format: 'jwk' }) }] },
    };
    const input = text in texts ? JSON.stringify(texts[text]) : text;
    expect(() => parseTrustBundle(input, 'partner.json')).toThrow(message);
  });
});
