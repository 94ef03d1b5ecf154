import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCertificate, type CertificateAuthority, type IssuedCertificate, type IssueOptions } from '../src/index.js';
import { mutualTlsHandshake, VERIFIED_GREETING, type TlsSide } from './support/tls-handshake.js';

const HOUR = 3_600_000;
const SERVER_ID = 'spiffe://demo.rampart.dev/inventory';
const CLIENT_ID = 'spiffe://demo.rampart.dev/orders';
const SERVER_OPTIONS: IssueOptions = {
  spiffeId: SERVER_ID,
  dnsNames: ['localhost'],
  ipAddresses: ['127.0.0.1'],
  usage: 'server',
};
const CLIENT_OPTIONS: IssueOptions = { spiffeId: CLIENT_ID, usage: 'client' };

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let server: IssuedCertificate;
let client: IssuedCertificate;

function side(issued: IssuedCertificate): TlsSide {
  return { key: issued.keyPem, cert: issued.chainPem, ca: ca.certPem };
}

function window(fromHours: number, toHours: number): Pick<IssueOptions, 'notBefore' | 'notAfter'> {
  const now = Date.now();
  return { notBefore: new Date(now + fromHours * HOUR), notAfter: new Date(now + toHours * HOUR) };
}

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createCa(), createCa({ commonName: 'Rampart development CA' })]);
  [server, client] = await Promise.all([issueCertificate(ca, SERVER_OPTIONS), issueCertificate(ca, CLIENT_OPTIONS)]);
});

describe('mutual TLS with issued certificates (node:tls, 127.0.0.1)', () => {
  it('succeeds with a server and a client certificate from the trusted CA', async () => {
    const outcome = await mutualTlsHandshake(side(server), side(client));
    expect(outcome.clientError).toBeUndefined();
    expect(outcome.serverError).toBeUndefined();
    expect(outcome.received).toBe(VERIFIED_GREETING);
    expect(outcome.serverAuthorized).toBe(true);
    expect(outcome.clientAltNames).toBe(`URI:${CLIENT_ID}`);
    expect(outcome.serverAltNames).toBe(`URI:${SERVER_ID}, DNS:localhost, IP Address:127.0.0.1`);
  });

  describe('the server refuses a client certificate', () => {
    it('from a different CA (even one with the same name)', async () => {
      const foreign = await issueCertificate(otherCa, CLIENT_OPTIONS);
      const outcome = await mutualTlsHandshake(side(server), side(foreign));
      expect(outcome.received).toBeUndefined();
      expect(outcome.serverAuthorizationError).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    });

    it('that has expired', async () => {
      const expired = await issueCertificate(ca, { ...CLIENT_OPTIONS, ...window(-2, -1) });
      const outcome = await mutualTlsHandshake(side(server), side(expired));
      expect(outcome.received).toBeUndefined();
      expect(outcome.serverAuthorizationError).toBe('CERT_HAS_EXPIRED');
    });

    it('that is not yet valid', async () => {
      const future = await issueCertificate(ca, { ...CLIENT_OPTIONS, ...window(1, 2) });
      const outcome = await mutualTlsHandshake(side(server), side(future));
      expect(outcome.received).toBeUndefined();
      expect(outcome.serverAuthorizationError).toBe('CERT_NOT_YET_VALID');
    });

    it('issued for server use only', async () => {
      const outcome = await mutualTlsHandshake(side(server), side(server));
      expect(outcome.received).toBeUndefined();
      expect(outcome.serverAuthorizationError).toBe('INVALID_PURPOSE');
    });
  });

  describe('the client refuses a server certificate', () => {
    it('from a different CA', async () => {
      const foreign = await issueCertificate(otherCa, SERVER_OPTIONS);
      const outcome = await mutualTlsHandshake(side(foreign), side(client));
      expect(outcome.received).toBeUndefined();
      expect(outcome.clientError?.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    });

    it('that has expired', async () => {
      const expired = await issueCertificate(ca, { ...SERVER_OPTIONS, ...window(-2, -1) });
      const outcome = await mutualTlsHandshake(side(expired), side(client));
      expect(outcome.received).toBeUndefined();
      expect(outcome.clientError?.code).toBe('CERT_HAS_EXPIRED');
    });

    it('that is not yet valid', async () => {
      const future = await issueCertificate(ca, { ...SERVER_OPTIONS, ...window(1, 2) });
      const outcome = await mutualTlsHandshake(side(future), side(client));
      expect(outcome.received).toBeUndefined();
      expect(outcome.clientError?.code).toBe('CERT_NOT_YET_VALID');
    });

    it('without the host name the client dialled', async () => {
      const noDns = await issueCertificate(ca, { spiffeId: SERVER_ID, usage: 'server' });
      const outcome = await mutualTlsHandshake(side(noDns), side(client));
      expect(outcome.received).toBeUndefined();
      expect(outcome.clientError?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('issued for client use only', async () => {
      const clientOnly = await issueCertificate(ca, { ...SERVER_OPTIONS, usage: 'client' });
      const outcome = await mutualTlsHandshake(side(clientOnly), side(client));
      expect(outcome.received).toBeUndefined();
      expect(outcome.clientError?.code).toBe('INVALID_PURPOSE');
    });
  });
});
