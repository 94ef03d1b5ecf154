import { Status, type ClientCallOptions } from '@rampart/core';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { inProcess, startTestApp, TestIssuer, withBearer, type InProcessApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { seen, TokenVault } from './token-vault.js';
import { vaultApp } from './vault-app.js';

const { read, store, exchange } = VaultServiceDescriptor.methods;
let issuer: TestIssuer;
let t: TestApp;
let local: InProcessApp;
let orders: { client: VaultServiceClient; certPem: string; thumbprint: string };
let thief: { client: VaultServiceClient; certPem: string };

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp(vaultApp([TokenVault], { issuer }));
  local = inProcess(t.app);
  const pki = t.pki!;
  const ordersCert = await pki.clientCertificate('/orders');
  orders = { client: await t.client(VaultServiceDescriptor, { as: '/orders' }), certPem: ordersCert.certPem, thumbprint: ordersCert.thumbprint };
  thief = { client: await t.client(VaultServiceDescriptor, { as: '/thief' }), certPem: (await pki.clientCertificate('/thief')).certPem };
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  seen.length = 0;
});

/** The status and message a real call over TLS ended with. */
async function overTls(call: Promise<unknown>): Promise<{ status: number; details: string }> {
  const error = await rampartErrorOf(call);
  return { status: error.status, details: error.message };
}

const bearer = (token: string | undefined): ClientCallOptions => (token === undefined ? {} : withBearer(token));

describe('inProcess(app): the full pipeline without sockets, matching the real server', () => {
  it('an allowed call reaches the handler with the principal, as over TLS', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    const outcome = await local.invoke(read, { name: 'db' }, { peerCertificate: orders.certPem, token });
    expect(outcome).toEqual({ status: Status.OK, details: '', response: { name: 'db', value: 'alice' }, responses: [] });
    expect(await orders.client.read({ name: 'db' }, withBearer(token))).toEqual(outcome.response);
    expect(seen).toEqual([
      { method: 'read', subject: 'alice' },
      { method: 'read', subject: 'alice' },
    ]);
  });

  it.each([
    { name: 'no token', scope: undefined, bound: false, as: 'orders' },
    { name: 'a token without the scope', scope: 'vault:list', bound: false, as: 'orders' },
    { name: 'no client certificate', scope: 'vault:read', bound: false, as: 'nobody' },
  ] as const)('a denial ($name) has the real server status and message, and no handler runs', async ({ scope, as }) => {
    const token = scope === undefined ? undefined : await issuer.mint({}, { scope });
    const real = await overTls((as === 'orders' ? orders.client : await t.client(VaultServiceDescriptor)).read({ name: 'db' }, bearer(token)));
    const outcome = await local.invoke(read, { name: 'db' }, {
      ...(as === 'orders' ? { peerCertificate: orders.certPem } : {}),
      ...(token === undefined ? {} : { token }),
    });
    expect(real.status).not.toBe(Status.OK);
    expect({ status: outcome.status, details: outcome.details }).toEqual(real);
    expect(outcome.response).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('a certificate-bound token from another certificate: UNAUTHENTICATED both ways; from its own, a client stream is served', async () => {
    const bound = await issuer.mint({}, { scope: 'vault:write', thumbprint: orders.thumbprint });
    const secrets = [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ];
    const real = await overTls(thief.client.store(secrets, withBearer(bound)));
    const outcome = await local.invoke(store, secrets, { peerCertificate: thief.certPem, token: bound });
    expect(real.status).toBe(Status.UNAUTHENTICATED);
    expect({ status: outcome.status, details: outcome.details }).toEqual(real);
    expect(seen).toEqual([]);
    expect(await local.invoke(store, secrets, { peerCertificate: orders.certPem, token: bound })).toMatchObject({
      status: Status.OK,
      response: { stored: 2 },
    });
  });

  it('bidi with a one-time token: served once in process, then refused like over TLS', async () => {
    const token = await issuer.mint({}, { scope: 'vault:read' });
    const first = await local.invoke<{ value: string }>(exchange, [{ name: 'a', value: 'x' }], { peerCertificate: orders.certPem, token });
    expect(first).toMatchObject({ status: Status.OK, responses: [{ name: 'a', value: 'X' }] });
    const replayLocal = await local.invoke(exchange, [{ name: 'a', value: 'x' }], { peerCertificate: orders.certPem, token });
    const replayReal = await overTls(collect(orders.client.exchange([{ name: 'a', value: 'x' }], withBearer(token))));
    expect(replayReal.status).toBe(Status.UNAUTHENTICATED);
    expect({ status: replayLocal.status, details: replayLocal.details }).toEqual(replayReal);
    expect(seen.map((s) => s.method)).toEqual(['exchange']);
  });
});
