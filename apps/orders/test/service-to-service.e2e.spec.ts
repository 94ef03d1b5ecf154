// Service-to-service calls against a real issuer (oidc-provider) and real servers: workload tokens by client
// credentials with certificate binding, on-behalf-of calls by token exchange, single-flight, refresh, outages.
import { type TokenClient } from '@rampart/client';
import { Status } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, DemoWorld, INVENTORY, ORDERS } from './demo-world.js';

let world: DemoWorld;
let grants: string[];

beforeAll(async () => {
  world = await new DemoWorld().start();
  grants = [];
  world.issuer.provider.on('grant.success', ((ctx: { oidc: { params?: { grant_type?: string; resource?: string } } }) => {
    grants.push(`${ctx.oidc.params?.grant_type ?? '?'} ${ctx.oidc.params?.resource ?? ''}`);
  }));
});
afterAll(() => world?.stop());

describe('service-to-service calls', () => {
  it('a workload gets a certificate-bound token and calls a server that requires mTLS + @Authenticated', async () => {
    const alice = await world.workload('demo-client');
    const tokens = world.tokenClient(alice, 'demo-client');
    const token = await tokens.token(ORDERS);
    const claims = decodeJwt(token);
    expect(claims.aud).toBe(ORDERS);
    expect((claims.cnf as Record<string, string>)['x5t#S256']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const orders = await world.ordersClient(alice, tokens);
    const order = await orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' });
    expect(order.status).toBe('RESERVED');
  });

  it('the downstream service sees an exchanged token with its own audience and the act chain', async () => {
    const alice = await world.workload('demo-client');
    const orders = await world.ordersClient(alice, world.tokenClient(alice, 'demo-client'));
    const order = await orders.placeOrder({ sku: 'SKU-TEAPOT', quantity: 1, customer: 'alice' });
    // inventory answered with who it saw: alice's client id as subject, acting through orders.
    expect(order.placedBy).toMatch(new RegExp(`via ${ORDERS.replace(/[/.]/g, '\\$&')}$`));
    expect(order.placedBy).not.toContain(INVENTORY);
    expect(grants.some((g) => g.startsWith('urn:ietf:params:oauth:grant-type:token-exchange') && g.endsWith(INVENTORY))).toBe(true);
  });

  it('1,000 concurrent calls at start cause exactly one token request', async () => {
    const alice = await world.workload('demo-client');
    const tokens = world.tokenClient(alice, 'demo-client');
    const orders = await world.ordersClient(alice, tokens);
    const placed = await orders.placeOrder({ sku: 'SKU-BLUE-MUG', quantity: 1, customer: 'warm-up' });
    const before = grants.filter((g) => g === `client_credentials ${ORDERS}`).length;
    const fresh = world.tokenClient(alice, 'demo-client');
    const client = await world.ordersClient(alice, fresh);
    const results = await Promise.all(Array.from({ length: 1_000 }, () => client.getOrder({ orderId: placed.orderId }, { deadline: 30_000 })));
    expect(results.every((r) => r.orderId === placed.orderId)).toBe(true);
    expect(grants.filter((g) => g === `client_credentials ${ORDERS}`).length - before).toBe(1);
  });

  it('a client pinned to another SPIFFE ID refuses the server', async () => {
    const alice = await world.workload('demo-client');
    const orders = await world.ordersClient(alice, world.tokenClient(alice, 'demo-client'), INVENTORY);
    const err = await rampartErrorOf(orders.getOrder({ orderId: 'x' }));
    expect(err.status).toBe(Status.UNAVAILABLE);
    expect(err.message).toContain(`expected ${INVENTORY}, got ${ORDERS}`);
  });

  it('a token is refreshed before it expires, with no failed call', async () => {
    const alice = await world.workload('demo-client');
    // Short-lived tokens from a second issuer world would be slow to set up; instead a token client whose tokens are
    // treated as due for refresh almost at once (refreshWhenLeft 0.999) shows refreshes while calls keep working.
    const tokens = world.tokenClient(alice, 'demo-client', { timing: { refreshWhenLeft: 0.999, jitter: 0, expirySafetyMs: 1_000 } });
    const orders = await world.ordersClient(alice, tokens);
    const placed = await orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'refresh' });
    const before = grants.length;
    const failures: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      await orders.getOrder({ orderId: placed.orderId }).catch((e: unknown) => failures.push(e));
      await new Promise((r) => setTimeout(r, 50)); // a sleep on purpose: the calls span more than one refresh
    }
    expect(failures).toEqual([]);
    expect(grants.length - before).toBeGreaterThanOrEqual(2);
  });
});

describe('the issuer going away', () => {
  it('is survived until the cached token expires, then surfaces a clear UNAVAILABLE error', async () => {
    const short = await new DemoWorld().start({ accessTokenTtlSec: 8 });
    try {
      const alice = await short.workload('demo-client');
      const tokens: TokenClient = short.tokenClient(alice, 'demo-client', {
        timing: { refreshWhenLeft: 0.3, jitter: 0, expirySafetyMs: 1_000, initialBackoffMs: 100, maxBackoffMs: 500 },
      });
      const orders = await short.ordersClient(alice, tokens);
      const placed = await orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'outage' });
      await short.issuer.close();
      // The cached token keeps working while it is valid.
      expect((await orders.getOrder({ orderId: placed.orderId })).orderId).toBe(placed.orderId);
      // After it expires (8 s lifetime, 1 s safety margin) the call fails fast with a clear error.
      await new Promise((r) => setTimeout(r, 7_500)); // a sleep on purpose: the token must expire
      const err = await rampartErrorOf(orders.getOrder({ orderId: placed.orderId }));
      expect(err.status).toBe(Status.UNAVAILABLE);
      expect(err.message).toMatch(/could not get a token for spiffe:\/\/demo\.rampart\.dev\/orders/);
    } finally {
      await short.stop().catch(() => undefined);
    }
  }, 30_000);
});

void ALICE;
