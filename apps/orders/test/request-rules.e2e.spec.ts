// Issue 21 item 3 in the sample app: orders.proto declares buf.validate rules (SKU format, quantity 1-1000, order id
// length) and rampartValidate checks them before a handler runs. Real issuer, real mTLS, real tokens.
import { readRichDetails, Status } from '@rampart/core';
import { collectUntilError, rampartErrorOf } from '@rampart/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ORDER_REPOSITORY, type OrderRepository } from '../src/order-repository.js';
import { DemoWorld } from './demo-world.js';

let world: DemoWorld;
let alice: Awaited<ReturnType<DemoWorld['ordersClient']>>;
let placed: MockInstance<OrderRepository['newId']>;

beforeAll(async () => {
  world = await new DemoWorld().start();
  alice = await world.ordersClientAs('demo-client');
  placed = vi.spyOn(world.orders.container.get<OrderRepository>(ORDER_REPOSITORY), 'newId');
});
afterEach(() => placed.mockClear());
afterAll(() => world?.stop());

const violations = (error: { details: Parameters<typeof readRichDetails>[0] }): string[] =>
  readRichDetails(error.details).flatMap((d) => (d.type === 'BadRequest' ? d.value.fieldViolations.map((v) => `${v.field} ${v.reason}`) : []));

describe('orders: request rules from orders.proto', () => {
  it('places a well-formed order', async () => {
    expect((await alice.placeOrder({ sku: 'SKU-RED-MUG', quantity: 2, customer: 'alice' })).status).toBe('RESERVED');
    expect(placed).toHaveBeenCalledOnce();
  });

  it('refuses a malformed SKU and a quantity of 0 with INVALID_ARGUMENT, both named, and places nothing', async () => {
    const error = await rampartErrorOf(alice.placeOrder({ sku: 'red mug', quantity: 0, customer: 'alice' }));
    expect(error.status).toBe(Status.INVALID_ARGUMENT);
    expect(error.message).toMatch(/^invalid request: sku: /);
    expect(violations(error)).toEqual(['sku string.pattern', 'quantity int32.gt_lte']);
    expect(placed).not.toHaveBeenCalled();
  });

  it('checks each order of an ImportOrders stream: the bad one ends the call', async () => {
    const error = await rampartErrorOf(
      alice.importOrders([
        { sku: 'SKU-BLUE-MUG', quantity: 1, customer: 'alice' },
        { sku: 'SKU-TEAPOT', quantity: 5000, customer: 'alice' },
      ]),
    );
    expect(error.status).toBe(Status.INVALID_ARGUMENT);
    expect(violations(error)).toEqual(['quantity int32.gt_lte']);
  });

  it('refuses an empty order id in TrackOrders before the owner policy or the handler sees it', async () => {
    const { error } = await collectUntilError(alice.trackOrders([{ orderId: '' }]));
    expect(error.status).toBe(Status.INVALID_ARGUMENT);
    expect(violations(error)).toEqual(['order_id string.min_len']);
  });
});
