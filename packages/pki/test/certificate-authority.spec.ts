import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCa, issueCertificate, loadCa } from '../src/index.js';
import { inspectCertificate, KEY_USAGE } from './support/inspect-certificate.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('createCa', () => {
  it('makes a self-signed ECDSA P-256 CA with critical basicConstraints and keyUsage', async () => {
    const before = Date.now();
    const ca = await createCa();
    const cert = new X509Certificate(ca.certPem);

    expect(ca.name).toBe('Rampart development CA');
    expect(cert.subject).toBe('CN=Rampart development CA');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);

    const details = inspectCertificate(ca.certPem);
    expect(details.publicKeyCurve).toBe('prime256v1');
    expect(details.signatureAlgorithm).toContain('ECDSA');
    expect(details.basicConstraints).toEqual({ ca: true, pathLength: 0, critical: true });
    expect(details.keyUsage).toEqual({ flags: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign, critical: true });
    expect(details.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);

    // Default validity: 30 days, backdated 5 minutes for clock skew (X.509 keeps whole seconds).
    const notBefore = new Date(cert.validFrom).getTime();
    const notAfter = new Date(cert.validTo).getTime();
    expect(notBefore).toBeGreaterThanOrEqual(before - 5 * MINUTE - 1000);
    expect(notBefore).toBeLessThanOrEqual(Date.now() - 5 * MINUTE);
    expect(notAfter).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(notAfter).toBeLessThanOrEqual(Date.now() + 30 * DAY);
  });

  it('writes a PKCS#8 P-256 key that belongs to the certificate', async () => {
    const ca = await createCa();
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const key = createPrivateKey(ca.keyPem);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const cert = new X509Certificate(ca.certPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
  });

  it('honours commonName, validityDays and an explicit window', async () => {
    const ca = await createCa({ commonName: 'Test, "quoted" CA', validityDays: 2 });
    expect(ca.name).toBe('Test, "quoted" CA');
    const cert = new X509Certificate(ca.certPem);
    expect(new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()).toBe(2 * DAY + 5 * MINUTE);

    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2030-01-02T00:00:00Z');
    const future = new X509Certificate((await createCa({ notBefore, notAfter })).certPem);
    expect(new Date(future.validFrom)).toEqual(notBefore);
    expect(new Date(future.validTo)).toEqual(notAfter);
  });

  it('gives every CA its own key and serial number', async () => {
    const [a, b] = await Promise.all([createCa(), createCa()]);
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });

  it('refuses bad options', async () => {
    await expect(createCa({ validityDays: 0 })).rejects.toThrow(RangeError);
    await expect(createCa({ validityDays: Number.NaN })).rejects.toThrow(RangeError);
    await expect(createCa({ notBefore: new Date(2000, 1, 2), notAfter: new Date(2000, 1, 1) })).rejects.toThrow(RangeError);
    await expect(createCa({ commonName: '' })).rejects.toThrow(TypeError);
    await expect(createCa({ commonName: 'x'.repeat(65) })).rejects.toThrow(TypeError);
  });
});

describe('loadCa', () => {
  it('loads a CA from PEM and issues with it', async () => {
    const original = await createCa({ commonName: 'Loaded CA' });
    const loaded = await loadCa(original.certPem, original.keyPem);
    expect(loaded).toEqual({ name: 'Loaded CA', certPem: original.certPem, keyPem: original.keyPem });

    const issued = await issueCertificate(loaded, { spiffeId: 'spiffe://demo.rampart.dev/a' });
    expect(new X509Certificate(issued.certPem).verify(new X509Certificate(original.certPem).publicKey)).toBe(true);
  });

  it('accepts a SEC1 "EC PRIVATE KEY" and returns PKCS#8', async () => {
    const original = await createCa();
    const sec1 = createPrivateKey(original.keyPem).export({ type: 'sec1', format: 'pem' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    const loaded = await loadCa(original.certPem, sec1);
    expect(loaded.keyPem).toBe(original.keyPem);
  });

  it('refuses a key that is not the CA key', async () => {
    const [a, b] = await Promise.all([createCa(), createCa()]);
    await expect(loadCa(a.certPem, b.keyPem)).rejects.toThrow(new TypeError('CA private key does not belong to the CA certificate'));
  });

  it('refuses a certificate that is not a CA', async () => {
    const ca = await createCa();
    const leaf = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/a' });
    await expect(loadCa(leaf.certPem, leaf.keyPem)).rejects.toThrow(/is not a CA certificate/);
  });

  it('refuses things that are not PEM', async () => {
    const ca = await createCa();
    await expect(loadCa('hello', ca.keyPem)).rejects.toThrow(new TypeError('CA certificate is not a PEM certificate'));
    await expect(loadCa(ca.certPem, 'hello')).rejects.toThrow(new TypeError('CA private key is not a PEM private key'));
  });
});

describe('a plain CertificateAuthority object', () => {
  it('can issue when it holds matching PEMs, and fails clearly when not', async () => {
    const ca = await createCa();
    const plain = { name: 'x', certPem: ca.certPem, keyPem: ca.keyPem };
    const issued = await issueCertificate(plain, { spiffeId: 'spiffe://demo.rampart.dev/a' });
    expect(new X509Certificate(issued.certPem).checkIssued(new X509Certificate(ca.certPem))).toBe(true);

    const other = await createCa();
    const broken = { name: 'x', certPem: ca.certPem, keyPem: other.keyPem };
    await expect(issueCertificate(broken, { spiffeId: 'spiffe://demo.rampart.dev/a' })).rejects.toThrow(
      /does not belong/,
    );
  });
});

describe('createCa: intermediates and trust domain names', () => {
  it('makes an intermediate signed by a root whose pathLength allows it; its leaves chain through it', async () => {
    const root = await createCa({ commonName: 'root', pathLength: 1 });
    const intermediate = await createCa({ commonName: 'intermediate', issuer: root });
    const rootCert = new X509Certificate(root.certPem);
    const intermediateCert = new X509Certificate(intermediate.certPem);
    expect(intermediateCert.ca).toBe(true);
    expect(intermediateCert.checkIssued(rootCert) && intermediateCert.verify(rootCert.publicKey)).toBe(true);
    const leaf = await issueCertificate(intermediate, { spiffeId: 'spiffe://demo.rampart.dev/a' });
    expect(leaf.chainPem).toBe(leaf.certPem + intermediate.certPem);
    await expect(createCa({ pathLength: -1 })).rejects.toThrow(RangeError);
  });

  it('names its trust domain in a URI SAN when asked, and refuses a name that is not a trust domain', async () => {
    const ca = await createCa({ trustDomain: 'partner.example' });
    expect(new X509Certificate(ca.certPem).subjectAltName).toBe('URI:spiffe://partner.example');
    await expect(createCa({ trustDomain: 'Partner.Example' })).rejects.toThrow(TypeError);
  });
});
