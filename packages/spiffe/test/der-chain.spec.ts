import { X509Certificate } from 'node:crypto';
import { createCa, issueCertificate } from '@rampart/pki';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitDer } from '../src/index.js';
import { parseDerCertificates } from '../src/der-certificates.js';

let leaf: Buffer;
let root: Buffer;

beforeAll(async () => {
  const ca = await createCa({ commonName: 'der test CA' });
  const issued = await issueCertificate(ca, { spiffeId: 'spiffe://test.rampart.dev/a' });
  leaf = new X509Certificate(issued.certPem).raw;
  root = new X509Certificate(ca.certPem).raw;
});

describe('splitting concatenated DER certificates', () => {
  it('splits a chain into its certificates, in order, byte for byte', () => {
    const parts = splitDer(Buffer.concat([leaf, root]), 'x509_svid');
    expect(parts).toHaveLength(2);
    expect(parts[0]!.equals(leaf)).toBe(true);
    expect(parts[1]!.equals(root)).toBe(true);
    expect(parseDerCertificates(Buffer.concat([leaf, root, leaf]), 'chain').map((c) => c.fingerprint256)).toEqual([
      new X509Certificate(leaf).fingerprint256,
      new X509Certificate(root).fingerprint256,
      new X509Certificate(leaf).fingerprint256,
    ]);
  });

  it('handles short-form and long-form lengths', () => {
    expect(splitDer(Buffer.from([0x30, 0x01, 0x05, 0x30, 0x00]), 'x')).toEqual([Buffer.from([0x30, 0x01, 0x05]), Buffer.from([0x30, 0x00])]);
    const long = Buffer.concat([Buffer.from([0x30, 0x81, 0x80]), Buffer.alloc(0x80)]);
    expect(splitDer(long, 'x')).toHaveLength(1);
  });

  it.each([
    ['empty', Buffer.alloc(0), /is empty/],
    ['a chain cut short', () => Buffer.concat([leaf, root]).subarray(0, leaf.length + 20), /runs past the end/],
    ['a certificate cut short', () => leaf.subarray(0, leaf.length - 1), /runs past the end/],
    ['trailing garbage', () => Buffer.concat([leaf, Buffer.from([0x01, 0x02])]), /expected a SEQUENCE/],
    ['a header cut short', () => Buffer.concat([leaf, Buffer.from([0x30])]), /length is missing/],
    ['a long length cut short', () => Buffer.from([0x30, 0x82, 0x01]), /length is cut short/],
    ['an indefinite length', () => Buffer.from([0x30, 0x80, 0x00, 0x00]), /indefinite length/],
    ['a non-minimal length', () => Buffer.from([0x30, 0x81, 0x05, 0, 0, 0, 0, 0]), /minimally encoded/],
    ['a huge length', () => Buffer.from([0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /too long/],
    ['a 4 GiB length', () => Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00]), /runs past the end/],
    ['PEM text', () => Buffer.from(new X509Certificate(leaf).toString()), /expected a SEQUENCE/],
  ])('refuses %s with an error, never a crash or an over-read', (_name, input, message) => {
    const bytes = typeof input === 'function' ? input() : input;
    expect(() => splitDer(bytes, 'x509_svid')).toThrow(message);
    expect(() => splitDer(bytes, 'x509_svid')).toThrow(/^x509_svid /);
  });

  it('refuses a well-formed SEQUENCE that is not a certificate, naming which', () => {
    expect(() => parseDerCertificates(Buffer.concat([leaf, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])]), 'bundle')).toThrow(
      /bundle: certificate 2 does not parse/,
    );
  });

  it('never throws anything but an Error, and never returns bytes it was not given, for random input', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 2000; run++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)));
      if (random() < 0.5 && bytes.length > 0) bytes[0] = 0x30;
      try {
        const parts = splitDer(bytes, 'x');
        expect(Buffer.concat(parts).equals(bytes)).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
      }
    }
  });
});
