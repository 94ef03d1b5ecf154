import { RampartError, Status } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rampartAuth } from '../../src/index.js';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { seen, TokenVault } from './token-vault.js';

const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));
let issuer: TestIssuer;
let t: TestApp;
let orders: VaultServiceClient;
let ordersThumbprint: string;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp({
    name: 'vault',
    services: [TokenVault],
    protos: { root: protoRoot },
    plugins: [rampartAuth()],
    values: { auth: { tokens: { issuer: issuer.url, audience: 'vault' } } },
  });
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
  ordersThumbprint = (await t.pki!.clientCertificate('/orders')).thumbprint;
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  seen.length = 0;
});

const failure = async (p: Promise<unknown>): Promise<RampartError> => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(RampartError);
  return e as RampartError;
};

describe('the auth pipeline end to end', () => {
  it('a valid token with the scope reaches the handler, which sees the principal', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    expect(await orders.read({ name: 'db' }, withBearer(token))).toEqual({ name: 'db', value: 'alice' });
    expect(seen).toEqual([{ method: 'read', subject: 'alice' }]);
  });

  it('no token → UNAUTHENTICATED, no handler', async () => {
    const err = await failure(orders.read({ name: 'db' }));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(seen).toEqual([]);
  });

  it('a missing scope → PERMISSION_DENIED, no handler', async () => {
    const token = await issuer.mint({}, { scope: 'vault:list' });
    const err = await failure(orders.read({ name: 'db' }, withBearer(token)));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(err.message).toBe('insufficient scope');
    expect(seen).toEqual([]);
  });

  it('a token still needs the mTLS rule: no client certificate → UNAUTHENTICATED', async () => {
    const anonymous = await t.client(VaultServiceDescriptor);
    const token = await issuer.mint({}, { scope: 'vault:read' });
    expect((await failure(anonymous.read({ name: 'db' }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
    expect(seen).toEqual([]);
  });

  it('boundToCertificate: the bound token passes from its certificate, is refused from another, and an unbound one is refused', async () => {
    const bound = await issuer.mint({}, { scope: 'vault:write', thumbprint: ordersThumbprint });
    expect(await orders.store([{ name: 'a', value: '1' }], withBearer(bound))).toEqual({ stored: 1 });
    const thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
    expect((await failure(thief.store([{ name: 'a', value: '1' }], withBearer(bound)))).status).toBe(Status.UNAUTHENTICATED);
    const unbound = await issuer.mint({}, { scope: 'vault:write' });
    expect((await failure(orders.store([{ name: 'a', value: '1' }], withBearer(unbound)))).status).toBe(Status.UNAUTHENTICATED);
    expect(seen.map((s) => s.method)).toEqual(['store']);
  });

  it('oneTimeUse: the second use of a token is refused', async () => {
    const token = await issuer.mint({}, { scope: 'vault:read' });
    const first: string[] = [];
    for await (const s of orders.exchange([{ name: 'a', value: 'x' }], withBearer(token))) first.push(s.value);
    expect(first).toEqual(['X']);
    const replay = (async () => {
      for await (const _s of orders.exchange([{ name: 'a', value: 'x' }], withBearer(token))) void _s;
    })();
    expect((await failure(replay)).status).toBe(Status.UNAUTHENTICATED);
    expect(seen.map((s) => s.method)).toEqual(['exchange']);
  });

  it('a stream is ended with UNAUTHENTICATED when its token expires', async () => {
    const token = await issuer.mint({}, { scope: 'vault:read', expiresIn: 1 });
    const got: string[] = [];
    const started = Date.now();
    const err = await failure(
      (async () => {
        for await (const s of orders.watch({ name: 'db' }, withBearer(token))) got.push(s.value);
      })(),
    );
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('token expired');
    expect(got.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
