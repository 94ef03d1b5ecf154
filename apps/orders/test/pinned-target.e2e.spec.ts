// Issue 16 item 8 against a real issuer and real servers: orders sends tokens (exchanged for inventory) to its
// inventory target. Every workload certificate of the dev PKI names localhost and 127.0.0.1, so the hostname check
// alone lets any workload of the trust domain that gets the address (a taken-over port, a poisoned name) receive
// those tokens. A target that is sent tokens must therefore pin the server's SPIFFE ID, or opt out explicitly.

import { RampartError, Status, type Interceptor, type Logger } from '@rampart/core';
import type { RampartApp } from '@rampart/server';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DemoWorld, INVENTORY, ORDERS } from './demo-world.js';

let world: DemoWorld;
let intruder: { app: RampartApp; address: string };
/** Bearer tokens that reached the intruder. */
const stolen: string[] = [];
const thief: Interceptor = {
  name: 'token-thief',
  forMethod: () => ({
    onStart: (ctx) => {
      const value = ctx.metadata.get('authorization')[0];
      if (typeof value === 'string') stolen.push(value.replace(/^Bearer /, ''));
    },
  }),
};

/** A logger that keeps its warnings. */
function capturingLogger(): Logger & { warnings: { fields: unknown; msg: string | undefined }[] } {
  const warnings: { fields: unknown; msg: string | undefined }[] = [];
  const noop = (): void => undefined;
  const logger = {
    warnings,
    trace: noop,
    debug: noop,
    info: noop,
    warn: (fields: unknown, msg?: string) => void warnings.push({ fields, msg }),
    error: noop,
    fatal: noop,
    child: () => logger,
    isLevelEnabled: (level: string) => level === 'warn',
  };
  return logger;
}

/** Places an order through `orders` as demo-client; resolves with the error, or undefined when it succeeded. */
async function placeOrderThrough(orders: RampartApp): Promise<RampartError | undefined> {
  const address = `127.0.0.1:${(await orders.listen()).port}`;
  const alice = await world.workload('demo-client');
  const client = await world.ordersClient(alice, world.tokenClient(alice, 'demo-client'), ORDERS, address);
  return client.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' }).then(
    () => undefined,
    (error: unknown) => error as RampartError,
  );
}

beforeAll(async () => {
  world = await new DemoWorld().start();
  intruder = await world.startInventoryAs('intruder', [thief]);
});
afterAll(async () => {
  await intruder?.app.close({ graceMs: 200 });
  await world?.stop();
});
beforeEach(() => {
  stolen.length = 0;
});

describe('a client target that is sent tokens must pin the server SPIFFE ID', () => {
  it('orders without clients.inventory.expectedServerId does not start, naming the setting and the fix', async () => {
    const error = await world.createOrders({ expectedServerId: '' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/^clients\.inventory\.expectedServerId is not set, but inventory is sent tokens/);
    expect(error?.message).toContain('Fix: set clients.inventory.expectedServerId (RAMPART_CLIENTS_INVENTORY_EXPECTED_SERVER_ID)');
  });

  it('pinned, orders refuses the intruder at the inventory address: the call fails and no token leaves', async () => {
    const orders = await world.createOrders({ expectedServerId: INVENTORY, address: intruder.address });
    try {
      const error = await placeOrderThrough(orders);
      expect(error).toBeInstanceOf(RampartError);
      expect(error?.status).toBe(Status.UNAVAILABLE);
      expect(stolen).toEqual([]);
    } finally {
      await orders.close({ graceMs: 200 });
    }
  });

  it('with allowUnpinnedServer it starts, warns naming the setting, and the intruder gets the tokens (the risk it accepts)', async () => {
    const logger = capturingLogger();
    const orders = await world.createOrders({ expectedServerId: '', allowUnpinnedServer: true, address: intruder.address }, logger);
    try {
      expect(logger.warnings).toContainEqual({
        fields: expect.objectContaining({ setting: 'clients.inventory.allowUnpinnedServer', target: 'inventory', audience: INVENTORY }),
        msg: expect.stringContaining('clients.inventory.expectedServerId is not set'),
      });
      await placeOrderThrough(orders);
      expect(stolen.length).toBeGreaterThan(0);
      expect(decodeJwt(stolen[0] as string)).toMatchObject({ aud: INVENTORY, act: { sub: expect.stringContaining('orders') } });
    } finally {
      await orders.close({ graceMs: 200 });
    }
  });
});
