import { RampartError, readRichDetails, Status, type RetryInfo } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrdersServiceClient } from '../src/generated/index.js';
import { ORDER_REPOSITORY, type OrderRepository } from '../src/order-repository.js';
import { DemoWorld } from './demo-world.js';

// Issue 21, item 5 on orders: a caller makes at most 20 PlaceOrder or ImportOrders calls at once, then 5 a second
// (@RateLimit, per principal). A burst past it is refused with RESOURCE_EXHAUSTED and a RetryInfo detail before the
// handler reserves anything; another caller's budget is untouched. Real issuer, real orders and inventory.

let world: DemoWorld;
let alice: OrdersServiceClient;
let bob: OrdersServiceClient;

beforeAll(async () => {
  world = await new DemoWorld().start();
  alice = await world.ordersClientAs('demo-client');
  bob = await world.ordersClientAs('demo-client-2');
});
afterAll(() => world?.stop());

describe('PlaceOrder over its rate limit', () => {
  it('a burst of 26: 20 (or 21, if a token came back meanwhile) are placed; the rest get RESOURCE_EXHAUSTED with RetryInfo', async () => {
    const orders = world.orders.container.get<OrderRepository>(ORDER_REPOSITORY);
    const before = orders.size;
    const calls = Array.from({ length: 26 }, (_, i) => bob.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: `bob-${i}` }));
    const outcomes = await Promise.all(calls.map((call) => call.then(() => undefined, (error: unknown) => error)));
    const refused = outcomes.filter((o) => o !== undefined);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeLessThanOrEqual(6);
    expect(orders.size - before).toBe(26 - refused.length); // a refused call placed nothing
    for (const error of refused) {
      expect(error).toBeInstanceOf(RampartError);
      if (!(error instanceof RampartError)) continue;
      expect(error.status).toBe(Status.RESOURCE_EXHAUSTED);
      const retry = readRichDetails(error.details).find((d) => d.type === 'RetryInfo')?.value as RetryInfo;
      expect(retry.retryDelayMs).toBeGreaterThan(0);
      expect(retry.retryDelayMs).toBeLessThanOrEqual(200); // 5 a second
    }
  });

  it("another caller's budget is its own", async () => {
    const order = await alice.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' });
    expect(order.status).toBe('RESERVED');
  });
});
