import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, thumbprintOfPem, type CertificateAuthority } from '../src/index.js';
import { CLIENT_AUTH, inspectCertificate, KEY_USAGE, SERVER_AUTH } from './support/inspect-certificate.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SPIFFE_ID = 'spiffe://demo.rampart.dev/orders';

let ca: CertificateAuthority;
let caCert: X509Certificate;

beforeAll(async () => {
  ca = await createCa({ commonName: 'Issuing CA' });
  caCert = new X509Certificate(ca.certPem);
});

describe('issueCertificate', () => {
  it('issues an X.509-SVID style leaf signed by the CA', async () => {
    const before = Date.now();
    const issued = await issueCertificate(ca, {
      spiffeId: SPIFFE_ID,
      dnsNames: ['localhost', 'orders.internal'],
      ipAddresses: ['127.0.0.1', '::1'],
    });
    const cert = new X509Certificate(issued.certPem);

    expect(cert.subjectAltName).toBe(
      'URI:spiffe://demo.rampart.dev/orders, DNS:localhost, DNS:orders.internal, ' +
        'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.subject).toBe('CN=orders');
    expect(cert.issuer).toBe('CN=Issuing CA');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.keyUsage).toEqual([SERVER_AUTH, CLIENT_AUTH]);

    const details = inspectCertificate(issued.certPem);
    expect(details.publicKeyCurve).toBe('prime256v1');
    expect(details.basicConstraints).toEqual({ ca: false, pathLength: undefined, critical: true });
    expect(details.keyUsage).toEqual({ flags: KEY_USAGE.digitalSignature, critical: true });
    expect(details.extendedKeyUsage?.critical).toBe(false);
    expect(details.authorityKeyId).toBe(inspectCertificate(ca.certPem).subjectKeyId);
    expect(details.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(details.subjectKeyId).not.toBe(details.authorityKeyId);
    expect(details.altNamesCritical).toBe(false);

    // 24 hours by default, backdated 5 minutes.
    const notBefore = new Date(cert.validFrom).getTime();
    const notAfter = new Date(cert.validTo).getTime();
    expect(notBefore).toBeGreaterThanOrEqual(before - 5 * MINUTE - 1000);
    expect(notBefore).toBeLessThanOrEqual(Date.now() - 5 * MINUTE);
    expect(notAfter - notBefore).toBe(24 * HOUR + 5 * MINUTE);
    expect(issued.notAfter.getTime()).toBe(notAfter);
    expect(issued.notBefore.getTime()).toBe(notBefore);
  });

  it('writes exactly one URI SAN for a SPIFFE ID alone', async () => {
    const cert = new X509Certificate((await issueCertificate(ca, { spiffeId: SPIFFE_ID })).certPem);
    expect(cert.subjectAltName).toBe(`URI:${SPIFFE_ID}`);
  });

  it.each([
    ['server', [SERVER_AUTH]],
    ['client', [CLIENT_AUTH]],
    ['both', [SERVER_AUTH, CLIENT_AUTH]],
  ] as const)('sets extendedKeyUsage for usage %s', async (usage, expected) => {
    const cert = new X509Certificate((await issueCertificate(ca, { spiffeId: SPIFFE_ID, usage })).certPem);
    expect(cert.keyUsage).toEqual(expected);
  });

  it('returns a PKCS#8 key of the certificate, a chain and the x5t#S256 thumbprint', async () => {
    const issued = await issueCertificate(ca, { spiffeId: SPIFFE_ID });
    const cert = new X509Certificate(issued.certPem);
    expect(issued.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(false);
    expect(issued.chainPem).toBe(issued.certPem + ca.certPem);

    const expected = createHash('sha256').update(cert.raw).digest('base64url');
    expect(issued.thumbprint).toBe(expected);
    expect(issued.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(thumbprintOfPem(issued.certPem)).toBe(expected);
    expect(thumbprintOfPem(issued.chainPem)).toBe(expected);
    expect(thumbprintOfPem(ca.certPem)).not.toBe(expected);
  });

  it('uses a fresh key and a random positive serial number every time', async () => {
    const issued = await Promise.all([1, 2, 3].map(() => issueCertificate(ca, { spiffeId: SPIFFE_ID })));
    const serials = issued.map((one) => new X509Certificate(one.certPem).serialNumber);
    expect(new Set(serials).size).toBe(3);
    expect(new Set(issued.map((one) => one.keyPem)).size).toBe(3);
    for (const serial of serials) {
      expect(serial).toMatch(/^[4-7][0-9A-F]{31}$/); // 16 bytes, top bit clear
    }
    expect(issued[0]?.serialNumber.toUpperCase()).toBe(serials[0]);
  });

  it('honours validityHours, commonName and explicit windows (expired, not yet valid)', async () => {
    const short = new X509Certificate(
      (await issueCertificate(ca, { spiffeId: SPIFFE_ID, validityHours: 1, commonName: 'custom' })).certPem,
    );
    expect(short.subject).toBe('CN=custom');
    expect(new Date(short.validTo).getTime() - new Date(short.validFrom).getTime()).toBe(HOUR + 5 * MINUTE);

    const now = Date.now();
    const expired = await issueCertificate(ca, {
      spiffeId: SPIFFE_ID,
      notBefore: new Date(now - 2 * HOUR),
      notAfter: new Date(now - HOUR),
    });
    expect(new Date(new X509Certificate(expired.certPem).validTo).getTime()).toBeLessThan(now);

    const future = await issueCertificate(ca, {
      spiffeId: SPIFFE_ID,
      notBefore: new Date(now + HOUR),
      notAfter: new Date(now + 2 * HOUR),
    });
    expect(new Date(new X509Certificate(future.certPem).validFrom).getTime()).toBeGreaterThan(now);
  });

  it('never outlives the CA by default', async () => {
    const shortCa = await createCa({ validityDays: 0.5 });
    const issued = await issueCertificate(shortCa, { spiffeId: SPIFFE_ID });
    expect(issued.notAfter.getTime()).toBe(new Date(new X509Certificate(shortCa.certPem).validTo).getTime());
  });

  it('refuses to issue a default window from an expired CA', async () => {
    const now = Date.now();
    const expiredCa = await createCa({ notBefore: new Date(now - 2 * HOUR), notAfter: new Date(now - HOUR) });
    await expect(issueCertificate(expiredCa, { spiffeId: SPIFFE_ID })).rejects.toThrow(/expired/);
  });

  describe('unsafeUris (testing only)', () => {
    it('can write no URI SAN at all', async () => {
      const issued = await issueCertificate(ca, { unsafeUris: [], dnsNames: ['localhost'] });
      expect(new X509Certificate(issued.certPem).subjectAltName).toBe('DNS:localhost');
    });

    it('can write no SAN extension at all', async () => {
      const issued = await issueCertificate(ca, { unsafeUris: [] });
      expect(new X509Certificate(issued.certPem).subjectAltName).toBeUndefined();
    });

    it('can write several URI SANs', async () => {
      const issued = await issueCertificate(ca, { unsafeUris: [SPIFFE_ID, 'spiffe://demo.rampart.dev/inventory'] });
      expect(new X509Certificate(issued.certPem).subjectAltName).toBe(
        `URI:${SPIFFE_ID}, URI:spiffe://demo.rampart.dev/inventory`,
      );
    });

    it('writes invalid URIs verbatim', async () => {
      const issued = await issueCertificate(ca, { unsafeUris: ['spiffe://Demo.dev/x/', 'not a uri'] });
      expect(new X509Certificate(issued.certPem).subjectAltName).toBe('URI:spiffe://Demo.dev/x/, URI:not a uri');
    });

    it('cannot be combined with spiffeId', async () => {
      await expect(issueCertificate(ca, { spiffeId: SPIFFE_ID, unsafeUris: [] })).rejects.toThrow(
        /either spiffeId or unsafeUris/,
      );
    });
  });

  it.each([
    [{ spiffeId: 'spiffe://Demo.dev/x' }, /invalid SPIFFE ID "spiffe:\/\/Demo\.dev\/x"/],
    [{ spiffeId: 'spiffe://demo.dev' }, /invalid SPIFFE ID "spiffe:\/\/demo\.dev": path is empty/],
    [{ spiffeId: SPIFFE_ID, dnsNames: ['bad name'] }, /invalid DNS name "bad name"/],
    [{ spiffeId: SPIFFE_ID, dnsNames: ['-bad.example'] }, /invalid DNS name/],
    [{ spiffeId: SPIFFE_ID, dnsNames: ['example.'] }, /invalid DNS name/],
    [{ spiffeId: SPIFFE_ID, ipAddresses: ['localhost'] }, /invalid IP address "localhost"/],
    [{ spiffeId: SPIFFE_ID, ipAddresses: ['256.0.0.1'] }, /invalid IP address/],
    [{ spiffeId: SPIFFE_ID, usage: 'signing' as 'both' }, /usage must be/],
    [{}, /give a spiffeId/],
    [{ spiffeId: SPIFFE_ID, commonName: '' }, /commonName must be/],
  ])('refuses %j', async (options, message) => {
    await expect(issueCertificate(ca, options)).rejects.toThrow(TypeError);
    await expect(issueCertificate(ca, options)).rejects.toThrow(message);
  });

  it('accepts a wildcard DNS name', async () => {
    const issued = await issueCertificate(ca, { spiffeId: SPIFFE_ID, dnsNames: ['*.svc.local'] });
    expect(new X509Certificate(issued.certPem).checkHost('orders.svc.local')).toBe('*.svc.local');
  });

  it.each([
    [{ spiffeId: SPIFFE_ID, validityHours: 0 }],
    [{ spiffeId: SPIFFE_ID, validityHours: -1 }],
    [{ spiffeId: SPIFFE_ID, notBefore: new Date(Number.NaN) }],
    [{ spiffeId: SPIFFE_ID, notBefore: new Date(2030, 0, 2), notAfter: new Date(2030, 0, 1) }],
  ])('refuses validity %j', async (options) => {
    await expect(issueCertificate(ca, options)).rejects.toThrow(RangeError);
  });
});

describe('thumbprintOfPem', () => {
  it('refuses input that is not a certificate', () => {
    expect(() => thumbprintOfPem('nope')).toThrow(new TypeError('certPem is not a PEM certificate'));
    expect(() => thumbprintOfPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      new TypeError('certPem is not a valid PEM certificate'),
    );
  });
});
