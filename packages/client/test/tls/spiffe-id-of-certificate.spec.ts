import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spiffeIdOfCertificate } from '../../src/tls/spiffe-id-of-certificate.js';
import { serverSpiffeIdCheck } from '../../src/tls/server-spiffe-check.js';
import { uriSansOf } from '../../src/tls/subject-alt-names.js';
import { createCa, INVENTORY, issueCertificate, ORDERS } from './support/pki-dir.js';

describe('uriSansOf', () => {
  it('reads URI SANs among others, in order', () => {
    expect(uriSansOf({ subjectaltname: `DNS:localhost, URI:${ORDERS}, IP Address:127.0.0.1, URI:https://x.test` })).toEqual([
      ORDERS,
      'https://x.test',
    ]);
  });

  it('does not split inside the quoted values Node writes for names with commas or quotes', () => {
    expect(uriSansOf({ subjectaltname: `DNS:"a, URI:spiffe://evil.test/x", URI:${ORDERS}` })).toEqual([ORDERS]);
    expect(uriSansOf({ subjectaltname: 'URI:"spiffe://demo.rampart.dev/a,b"' })).toEqual(['spiffe://demo.rampart.dev/a,b']);
  });

  it('gives [] without SANs and undefined for text it cannot split', () => {
    expect(uriSansOf({})).toEqual([]);
    expect(uriSansOf(null)).toEqual([]);
    expect(uriSansOf({ subjectaltname: 'URI:"unterminated' })).toBeUndefined();
  });
});

describe('spiffeIdOfCertificate', () => {
  it('returns the one SPIFFE URI SAN of a tls peer certificate', () => {
    expect(spiffeIdOfCertificate({ subjectaltname: `URI:${ORDERS}, DNS:localhost` })).toBe(ORDERS);
  });

  it('refuses no URI SAN, two URI SANs, an invalid ID and a quoted (escaped) URI', () => {
    expect(spiffeIdOfCertificate({ subjectaltname: 'DNS:localhost' })).toBeUndefined();
    expect(spiffeIdOfCertificate({ subjectaltname: `URI:${ORDERS}, URI:${INVENTORY}` })).toBeUndefined();
    expect(spiffeIdOfCertificate({ subjectaltname: `URI:${ORDERS}, URI:https://orders.test` })).toBeUndefined();
    expect(spiffeIdOfCertificate({ subjectaltname: 'URI:spiffe://Demo.rampart.dev/orders' })).toBeUndefined();
    expect(spiffeIdOfCertificate({ subjectaltname: 'URI:spiffe://demo.rampart.dev' })).toBeUndefined();
    expect(spiffeIdOfCertificate({ subjectaltname: 'URI:"spiffe://demo.rampart.dev/a,b"' })).toBeUndefined();
    expect(spiffeIdOfCertificate({})).toBeUndefined();
  });

  it('reads node:crypto X509Certificate objects issued by the dev PKI', async () => {
    const ca = await createCa({ validityDays: 1 });
    const one = await issueCertificate(ca, { spiffeId: ORDERS, dnsNames: ['localhost'] });
    const two = await issueCertificate(ca, { unsafeUris: [ORDERS, INVENTORY] });
    const none = await issueCertificate(ca, { dnsNames: ['localhost'] });
    expect(spiffeIdOfCertificate(new X509Certificate(one.certPem))).toBe(ORDERS);
    expect(spiffeIdOfCertificate(new X509Certificate(two.certPem))).toBeUndefined();
    expect(spiffeIdOfCertificate(new X509Certificate(none.certPem))).toBeUndefined();
  });
});

describe('serverSpiffeIdCheck', () => {
  const check = serverSpiffeIdCheck(INVENTORY);
  const peer = (subjectaltname: string): Parameters<typeof check>[1] =>
    ({ subjectaltname }) as Parameters<typeof check>[1];

  it('accepts exactly the expected ID, whatever the host name', () => {
    expect(check('10.0.0.1', peer(`URI:${INVENTORY}`))).toBeUndefined();
  });

  it('says what was expected and what was presented', () => {
    expect(check('h', peer(`URI:${ORDERS}`))?.message).toBe(
      `server identity mismatch: expected ${INVENTORY}, got ${ORDERS}`,
    );
    expect(check('h', peer(`URI:${INVENTORY}/extra`))?.message).toBe(
      `server identity mismatch: expected ${INVENTORY}, got ${INVENTORY}/extra`,
    );
    expect(check('h', peer('URI:https://inventory.test'))?.message).toBe(
      `server identity mismatch: expected ${INVENTORY}, got "https://inventory.test", which is not a valid SPIFFE ID`,
    );
    expect(check('h', peer(`URI:${INVENTORY}, URI:${ORDERS}`))?.message).toBe(
      `server identity mismatch: expected ${INVENTORY}, got 2 URI SANs ("${INVENTORY}", "${ORDERS}"); ` +
        'an X.509-SVID carries exactly one',
    );
  });

  it('quotes and shortens what a server chose to present', () => {
    const long = `https://x.test/\n${'a'.repeat(500)}`;
    const message = check('h', peer(`URI:${JSON.stringify(long)}`))?.message ?? '';
    expect(message).toMatch(/^server identity mismatch: expected spiffe:\/\/demo\.rampart\.dev\/inventory, got "https:\/\/x\.test\/\\na+…"/);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(320);
  });

  it('refuses an invalid expected ID up front, naming expectedServerId', () => {
    expect(() => serverSpiffeIdCheck('spiffe://demo.rampart.dev/')).toThrow(TypeError);
    expect(() => serverSpiffeIdCheck('https://inventory.test')).toThrow(/^expectedServerId: invalid SPIFFE ID/);
  });
});
