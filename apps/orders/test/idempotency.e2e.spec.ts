import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrdersServiceClient } from '../src/generated/index.js';
import { DemoWorld } from './demo-world.js';

// Issue 18, item 5: an order is not placed twice when its caller sends it again (a retry after a timeout or
// UNAVAILABLE): the same request_id from the same caller gets the first order back, with the first reservation.
// Real issuer, real orders and inventory.

let world: DemoWorld;
let alice: OrdersServiceClient;
let bob: OrdersServiceClient;

beforeAll(async () => {
  world = await new DemoWorld().start();
  alice = await world.ordersClientAs('demo-client');
  bob = await world.ordersClientAs('demo-client-2');
});
afterAll(() => world?.stop());

const order = (requestId: string) => ({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice', requestId });

describe('PlaceOrder with a request_id', () => {
  it('sent again, it returns the first order and reserves nothing more', async () => {
    const first = await alice.placeOrder(order('retry-1'));
    const again = await alice.placeOrder(order('retry-1'));
    expect(again).toEqual(first);
    expect(await alice.getOrder({ orderId: first.orderId })).toEqual(first);
  });

  it('sent ten times at once, one order is placed and every answer is that order', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => alice.placeOrder(order('burst-1'))));
    expect(new Set(answers.map((a) => a.orderId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.reservationId)).size).toBe(1);
  });

  it('another caller with the same request_id places an order of its own', async () => {
    const mine = await alice.placeOrder(order('shared-key'));
    const theirs = await bob.placeOrder(order('shared-key'));
    expect(theirs.orderId).not.toBe(mine.orderId);
    expect(theirs.placedBy).not.toBe(mine.placedBy);
  });

  it('without a request_id, each request is an order of its own', async () => {
    const a = await alice.placeOrder(order(''));
    const b = await alice.placeOrder(order(''));
    expect(a.orderId).not.toBe(b.orderId);
  });
});
