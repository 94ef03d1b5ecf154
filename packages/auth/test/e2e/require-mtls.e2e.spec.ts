import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { RampartError, Status } from '@rampart/core';
import { createCa, issueCertificate, type IssueOptions } from '@rampart/pki';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { ORDERS, ran, VaultService } from './vault-service.js';
import { vaultApp } from './vault-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(vaultApp([VaultService]));
});
afterAll(() => t.close());
beforeEach(() => {
  ran.length = 0;
});

async function credentialsFor(kind: string): Promise<ChannelCredentials> {
  const pki = t.pki!;
  const ca = Buffer.from(pki.ca.certPem);
  const now = Date.now();
  const hour = 3_600_000;
  const issue = async (options: IssueOptions, issuer = pki.ca) => {
    const issued = await issueCertificate(issuer, { usage: 'client', ...options });
    return credentials.createSsl(ca, Buffer.from(issued.keyPem), Buffer.from(issued.certPem));
  };
  switch (kind) {
    case 'allowed':
      return issue({ spiffeId: ORDERS });
    case 'no certificate':
      return credentials.createSsl(ca);
    case 'untrusted CA':
      return issue({ spiffeId: ORDERS }, await createCa({ commonName: 'rogue CA' }));
    case 'expired':
      return issue({ spiffeId: ORDERS, notBefore: new Date(now - 2 * hour), notAfter: new Date(now - hour) });
    case 'not yet valid':
      return issue({ spiffeId: ORDERS, notBefore: new Date(now + hour), notAfter: new Date(now + 2 * hour) });
    case 'no SPIFFE URI':
      return issue({ unsafeUris: [], dnsNames: ['orders.internal'] });
    case 'two URIs':
      return issue({ unsafeUris: [ORDERS, 'spiffe://test.rampart.dev/other'] });
    case 'wrong ID':
      return issue({ spiffeId: 'spiffe://test.rampart.dev/payments' });
    default:
      throw new Error(kind);
  }
}

const calls: [string, (c: VaultServiceClient) => Promise<unknown>][] = [
  ['unary', (c) => c.read({ name: 'db' })],
  ['server streaming', (c) => collect(c.watch({ name: 'db' }))],
  ['client streaming', (c) => c.store([{ name: 'a', value: '1' }, { name: 'b', value: '2' }])],
  ['bidi', (c) => collect(c.exchange([{ name: 'a', value: 'x' }]))],
];

const refusals: [string, Status][] = [
  ['no certificate', Status.UNAUTHENTICATED],
  ['untrusted CA', Status.UNAUTHENTICATED],
  ['expired', Status.UNAUTHENTICATED],
  ['not yet valid', Status.UNAUTHENTICATED],
  ['no SPIFFE URI', Status.UNAUTHENTICATED],
  ['two URIs', Status.UNAUTHENTICATED],
  ['wrong ID', Status.PERMISSION_DENIED],
];

describe('@RequireMtls end to end (real TLS handshakes on loopback)', () => {
  describe.each(calls)('%s', (_kind, call) => {
    it('an allowed SPIFFE ID reaches the handler', async () => {
      const client = await t.client(VaultServiceDescriptor, { credentials: await credentialsFor('allowed') });
      await expect(call(client)).resolves.toBeDefined();
      expect(ran).toHaveLength(1);
    });

    it.each(refusals)('%s is refused with %i and no handler runs', async (kind, status) => {
      const client = await t.client(VaultServiceDescriptor, { credentials: await credentialsFor(kind) });
      const err = await call(client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RampartError);
      expect((err as RampartError).status).toBe(status);
      expect(ran).toEqual([]);
    });
  });

  it('the handler sees the caller identity', async () => {
    const client = await t.client(VaultServiceDescriptor, { as: ORDERS });
    expect(await client.read({ name: 'db' })).toEqual({ name: 'db', value: `for ${ORDERS}` });
  });

  it('the wire message is short; it does not describe the certificate', async () => {
    const client = await t.client(VaultServiceDescriptor, { credentials: await credentialsFor('wrong ID') });
    const err = await rampartErrorOf(client.read({ name: 'db' }));
    expect(err.message).toBe('peer not allowed');
    expect(err.message).not.toContain('payments');
  });
});
