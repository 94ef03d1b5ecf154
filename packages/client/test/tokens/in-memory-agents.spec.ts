import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientIdentity } from '../../src/tls/channel-identity.js';
import { InMemoryTlsAgents } from '../../src/tokens/in-memory-agents.js';
import { BILLING, createCa, issueCertificate, ORDERS } from '../tls/support/pki-dir.js';
import type { CertificateAuthority } from '@rampart/pki';

// The token client's agents when the workload's certificate lives in memory (the SPIFFE Workload API): each request
// presents the certificate in use at that moment, and a pinned identity keeps presenting its own.
describe('InMemoryTlsAgents', () => {
  let ca: CertificateAuthority;
  let server: Server;
  let url: string;

  const identityOf = async (spiffeId: string): Promise<ClientIdentity> => {
    const issued = await issueCertificate(ca, { spiffeId, usage: 'client' });
    return {
      certificate: Buffer.from(issued.chainPem),
      privateKey: Buffer.from(issued.keyPem),
      fingerprint256: new X509Certificate(issued.certPem).fingerprint256,
    };
  };
  const serialOf = (identity: ClientIdentity): string => new X509Certificate(identity.certificate).serialNumber.toUpperCase();

  beforeAll(async () => {
    ca = await createCa({ commonName: 'in-memory agent CA', validityDays: 1 });
    const issued = await issueCertificate(ca, { spiffeId: 'spiffe://demo.rampart.dev/issuer', dnsNames: ['localhost'], usage: 'server' });
    server = createServer({ cert: issued.chainPem, key: issued.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) =>
      res.end((req.socket as TLSSocket).getPeerX509Certificate()?.serialNumber ?? ''),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
  });

  it('presents the identity in use at each request, and a pinned identity after the source moved on', async () => {
    let current: ClientIdentity | undefined = await identityOf(ORDERS);
    const first = current;
    const agents = new InMemoryTlsAgents({ identity: () => current, trustBundle: () => Buffer.from(ca.certPem) });
    const presented = async (dispatcher: ReturnType<InMemoryTlsAgents['current']>): Promise<string> =>
      (await (await fetch(url, { dispatcher })).text()).toUpperCase();
    try {
      expect(await presented(agents.current())).toBe(serialOf(first));
      expect(agents.current()).toBe(agents.current());
      current = await identityOf(BILLING);
      expect(await presented(agents.current())).toBe(serialOf(current));
      expect(await presented(agents.forIdentity(first))).toBe(serialOf(first));
    } finally {
      await agents.close();
    }
  });

  const thrown = (run: () => unknown): unknown => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('refuses to send before an identity and a trust bundle are loaded', async () => {
    const identity = await identityOf(ORDERS);
    const none = new InMemoryTlsAgents({ identity: () => undefined, trustBundle: () => Buffer.from(ca.certPem) });
    expect(thrown(() => none.current())).toMatchObject({ code: 'ERR_UNAVAILABLE', message: 'the workload certificate is not loaded yet' });
    const noBundle = new InMemoryTlsAgents({ identity: () => identity, trustBundle: () => undefined });
    expect(thrown(() => noBundle.forIdentity(identity))).toMatchObject({ code: 'ERR_UNAVAILABLE' });
  });
});
