import { callError } from '@rampart/client';
import { RampartError, readRichDetails, statusName, type ClientCallOptions } from '@rampart/core';
import type { TokenClient } from '@rampart/client';
import type { Callers } from './callers.js';
import { demoId } from './dev-pki.js';
import type { AttackTokens } from './forged-tokens.js';
import {
  InventoryServiceDescriptor,
  OrdersServiceDescriptor,
  type InventoryServiceClient,
  type OrdersServiceClient,
} from './generated/index.js';
import type { Row } from './table.js';

/** Everything the scenarios need. */
export interface Stage {
  readonly callers: Callers;
  readonly ordersAddress: string;
  readonly inventoryAddress: string;
  readonly attacks: AttackTokens;
}

/** A scripted call and the status it must end with. */
interface Scenario {
  readonly name: string;
  readonly expected: string;
  run(stage: Stage, ctx: Context): Promise<string>;
}

/** Clients and tokens made once and shared by the scenarios. */
interface Context {
  readonly alice: TokenClient;
  /** demo-client as a trusted workload calling orders with its own tokens. */
  readonly orders: OrdersServiceClient;
  readonly inventory: InventoryServiceClient;
  /** A token for orders, to replay or strip in attacks. */
  readonly aliceOrdersToken: string;
  readonly placedOrderId: { value: string };
}

const bearer = (token: string): ClientCallOptions => ({ metadata: { authorization: `Bearer ${token}` } });

const ORDERS = demoId('orders');
const INVENTORY = demoId('inventory');

const scenarios: Scenario[] = [
  {
    name: 'unary PlaceOrder (orders -> inventory as the caller)',
    expected: 'OK',
    run: async (_s, c) => {
      const order = await c.orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 2, customer: 'alice' });
      c.placedOrderId.value = order.orderId;
      return `${order.orderId} reserved for ${order.placedBy.replace(/spiffe:\/\/demo\.rampart\.dev\//g, '')}`;
    },
  },
  {
    name: 'unary GetOrder',
    expected: 'OK',
    run: async (_s, c) => `${(await c.orders.getOrder({ orderId: c.placedOrderId.value })).status}`,
  },
  {
    name: 'server stream WatchStock (inventory)',
    expected: 'OK',
    run: async (_s, c) => {
      const levels: number[] = [];
      for await (const level of c.inventory.watchStock({ sku: 'SKU-RED-MUG', maxUpdates: 1 })) levels.push(level.available);
      return `SKU-RED-MUG: ${levels.join(', ')} available`;
    },
  },
  {
    name: 'client stream ImportOrders',
    expected: 'OK',
    run: async (_s, c) => {
      const res = await c.orders.importOrders([
        { sku: 'SKU-BLUE-MUG', quantity: 1, customer: 'bob' },
        { sku: 'SKU-TEAPOT', quantity: 99, customer: 'carol' },
      ]);
      return `${res.accepted} accepted, ${res.rejected} rejected (out of stock)`;
    },
  },
  {
    name: 'bidi TrackOrders',
    expected: 'OK',
    run: async (_s, c) => {
      const seen: string[] = [];
      for await (const order of c.orders.trackOrders([{ orderId: c.placedOrderId.value }])) seen.push(`${order.orderId}=${order.status}`);
      return seen.join(', ');
    },
  },
  {
    name: "another caller reads someone else's order (object-level policy)",
    expected: 'PERMISSION_DENIED',
    run: async (s, c) => {
      const intruder = s.callers.tokens('intruder', { [ORDERS]: ['orders:read'] });
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('intruder', 'orders'), {
        source: intruder,
        audience: ORDERS,
      });
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }));
    },
  },
  {
    name: 'malformed order (buf.validate rules in orders.proto)',
    expected: 'INVALID_ARGUMENT',
    run: async (_s, c) => answered(await c.orders.placeOrder({ sku: 'red mug', quantity: 0, customer: 'alice' })),
  },
  {
    name: 'no client certificate',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, s.callers.anonymous());
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(c.aliceOrdersToken)));
    },
  },
  {
    name: 'certificate from an untrusted CA',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, s.callers.rogue());
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(c.aliceOrdersToken)));
    },
  },
  {
    name: 'no token',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('demo-client', 'orders'));
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }));
    },
  },
  {
    name: 'expired token',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('demo-client', 'orders'));
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(s.attacks.expired)));
    },
  },
  {
    name: 'forged signature',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('demo-client', 'orders'));
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(s.attacks.forged)));
    },
  },
  {
    name: 'wrong audience (an inventory token at orders)',
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('demo-client', 'orders'));
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(await c.alice.token(INVENTORY))));
    },
  },
  {
    name: 'missing scope (read-only token places an order)',
    expected: 'PERMISSION_DENIED',
    run: async (s) => {
      const readOnly = s.callers.tokens('demo-client', { [ORDERS]: ['orders:read'] });
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('demo-client', 'orders'), {
        source: readOnly,
        audience: ORDERS,
      });
      return answered(await client.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' }));
    },
  },
  {
    name: "bound token replayed with another workload's certificate",
    expected: 'UNAUTHENTICATED',
    run: async (s, c) => {
      const client = s.callers.client(OrdersServiceDescriptor, s.ordersAddress, await s.callers.mtls('intruder', 'orders'));
      return answered(await client.getOrder({ orderId: c.placedOrderId.value }, bearer(c.aliceOrdersToken)));
    },
  },
  {
    name: 'a workload other than orders calls inventory.Reserve',
    expected: 'PERMISSION_DENIED',
    run: async (s) => {
      const intruder = s.callers.tokens('intruder', { [INVENTORY]: ['inventory:read'] });
      const client = s.callers.client(InventoryServiceDescriptor, s.inventoryAddress, await s.callers.mtls('intruder', 'inventory'), {
        source: intruder,
        audience: INVENTORY,
      });
      return answered(await client.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'sneaky' }));
    },
  },
  {
    name: 'a caller over its rate limit (25 PlaceOrder at once)',
    expected: 'RESOURCE_EXHAUSTED',
    run: async (_s, c) => {
      // orders' @RateLimit: 20 calls at once per caller, then 5 a second. The refused ones never reach the handler.
      const calls = Array.from({ length: 25 }, (_, i) => c.orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: `rush-${i}` }));
      const refused = (await Promise.all(calls.map((call) => call.then(() => undefined, callError)))).filter((e) => e !== undefined);
      const first = refused[0];
      if (first === undefined) return '25 of 25 placed: no limit';
      if (first.code !== 'ERR_RESOURCE_EXHAUSTED') throw first;
      const retry = readRichDetails(first.details).find((d) => d.type === 'RetryInfo');
      const after = retry === undefined ? 'no RetryInfo' : `RetryInfo ${retry.value.retryDelayMs} ms`;
      throw new RampartError('ERR_RESOURCE_EXHAUSTED', `${first.message}: ${25 - refused.length} of 25 placed, ${after}`);
    },
  },
];

function answered(value: unknown): string {
  return `answered: ${JSON.stringify(value).slice(0, 60)}`;
}

/** Sets up the shared callers, then runs every scenario in order. */
export async function runScenarios(stage: Stage): Promise<Row[]> {
  const alice = stage.callers.tokens('demo-client', { [ORDERS]: ['orders:read', 'orders:write'], [INVENTORY]: ['inventory:read'] });
  const ctx: Context = {
    alice,
    orders: stage.callers.client(OrdersServiceDescriptor, stage.ordersAddress, await stage.callers.mtls('demo-client', 'orders'), {
      source: alice,
      audience: ORDERS,
    }),
    inventory: stage.callers.client(InventoryServiceDescriptor, stage.inventoryAddress, await stage.callers.mtls('demo-client', 'inventory'), {
      source: alice,
      audience: INVENTORY,
    }),
    aliceOrdersToken: await alice.token(ORDERS),
    placedOrderId: { value: 'none' },
  };
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    try {
      const detail = await scenario.run(stage, ctx);
      rows.push({ scenario: scenario.name, expected: scenario.expected, actual: 'OK', detail });
    } catch (error) {
      const rpc = callError(error);
      rows.push({ scenario: scenario.name, expected: scenario.expected, actual: statusName(rpc.status), detail: rpc.message });
    }
  }
  return rows;
}
