// Issue 21 item 2 in the sample app: object-level authorization. Only the caller who placed an order (or a caller
// with orders:admin) may read or track it; OrderOwnerPolicy decides on each request message before the handler.
// Real issuer, real mTLS, real tokens: bob's token is valid and has orders:read, yet alice's order is not his.
import { Status } from '@rampart/core';
import { collect, collectUntilError, rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoWorld } from './demo-world.js';

type Orders = Awaited<ReturnType<DemoWorld['ordersClient']>>;
let world: DemoWorld;
let alice: Orders;
let bob: Orders;
let support: Orders;
let aliceOrder: string;

beforeAll(async () => {
  world = await new DemoWorld().start();
  [alice, bob, support] = [await world.ordersClientAs('demo-client'), await world.ordersClientAs('demo-client-2'), await world.ordersClientAs('support')];
  aliceOrder = (await alice.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' })).orderId;
});
afterAll(() => world?.stop());

describe('orders: only the placing caller (or orders:admin) reads an order', () => {
  it('the owner reads and tracks its order', async () => {
    expect((await alice.getOrder({ orderId: aliceOrder })).orderId).toBe(aliceOrder);
    expect((await collect(alice.trackOrders([{ orderId: aliceOrder }]))).map((o) => o.orderId)).toEqual([aliceOrder]);
  });

  it("another caller, with a valid orders:read token, gets PERMISSION_DENIED for GetOrder", async () => {
    const error = await rampartErrorOf(bob.getOrder({ orderId: aliceOrder }));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(error.message).toBe('permission denied');
  });

  it('TrackOrders decides each order asked for: bob gets his own, then PERMISSION_DENIED at alice\'s', async () => {
    const bobOrder = (await bob.placeOrder({ sku: 'SKU-TEAPOT', quantity: 1, customer: 'bob' })).orderId;
    const { items, error } = await collectUntilError(bob.trackOrders([{ orderId: bobOrder }, { orderId: aliceOrder }]));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(items.map((o) => o.orderId)).toEqual([bobOrder]);
  });

  it('a caller with orders:admin reads any order', async () => {
    expect((await support.getOrder({ orderId: aliceOrder })).orderId).toBe(aliceOrder);
  });

  it('an unknown order id is still NOT_FOUND (the handler answers, the policy has no owner to compare)', async () => {
    expect((await rampartErrorOf(bob.getOrder({ orderId: 'ord-nope' }))).status).toBe(Status.NOT_FOUND);
  });
});
