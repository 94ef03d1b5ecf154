import { Status } from '@rampart/core';
import { collect, collectUntilError, rampartErrorOf } from '@rampart/test-support';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { seen, TokenVault } from './token-vault.js';
import { vaultApp } from './vault-app.js';

let issuer: TestIssuer;
let t: TestApp;
let orders: VaultServiceClient;
let ordersThumbprint: string;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp(vaultApp([TokenVault], { issuer }));
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

describe('the auth pipeline end to end', () => {
  it('a valid token with the scope reaches the handler, which sees the principal', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    expect(await orders.read({ name: 'db' }, withBearer(token))).toEqual({ name: 'db', value: 'alice' });
    expect(seen).toEqual([{ method: 'read', subject: 'alice' }]);
  });

  it('no token → UNAUTHENTICATED, no handler', async () => {
    const err = await rampartErrorOf(orders.read({ name: 'db' }));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(seen).toEqual([]);
  });

  it('a missing scope → PERMISSION_DENIED, no handler', async () => {
    const token = await issuer.mint({}, { scope: 'vault:list' });
    const err = await rampartErrorOf(orders.read({ name: 'db' }, withBearer(token)));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(err.message).toBe('insufficient scope');
    expect(seen).toEqual([]);
  });

  it('a token still needs the mTLS rule: no client certificate → UNAUTHENTICATED', async () => {
    const anonymous = await t.client(VaultServiceDescriptor);
    const token = await issuer.mint({}, { scope: 'vault:read' });
    expect((await rampartErrorOf(anonymous.read({ name: 'db' }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
    expect(seen).toEqual([]);
  });

  it('boundToCertificate: the bound token passes from its certificate, is refused from another, and an unbound one is refused', async () => {
    const bound = await issuer.mint({}, { scope: 'vault:write', thumbprint: ordersThumbprint });
    expect(await orders.store([{ name: 'a', value: '1' }], withBearer(bound))).toEqual({ stored: 1 });
    const thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
    expect((await rampartErrorOf(thief.store([{ name: 'a', value: '1' }], withBearer(bound)))).status).toBe(Status.UNAUTHENTICATED);
    const unbound = await issuer.mint({}, { scope: 'vault:write' });
    expect((await rampartErrorOf(orders.store([{ name: 'a', value: '1' }], withBearer(unbound)))).status).toBe(Status.UNAUTHENTICATED);
    expect(seen.map((s) => s.method)).toEqual(['store']);
  });

  it('oneTimeUse: the second use of a token is refused', async () => {
    const token = await issuer.mint({}, { scope: 'vault:read' });
    const first = await collect(orders.exchange([{ name: 'a', value: 'x' }], withBearer(token)));
    expect(first.map((s) => s.value)).toEqual(['X']);
    expect((await rampartErrorOf(collect(orders.exchange([{ name: 'a', value: 'x' }], withBearer(token))))).status).toBe(Status.UNAUTHENTICATED);
    expect(seen.map((s) => s.method)).toEqual(['exchange']);
  });

  it('a stream is ended with UNAUTHENTICATED when its token expires', async () => {
    const token = await issuer.mint({}, { scope: 'vault:read', expiresIn: 1 });
    const started = Date.now();
    const { items, error } = await collectUntilError(orders.watch({ name: 'db' }, withBearer(token)));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.message).toBe('token expired');
    expect(items.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
