import { RpcError } from '@rampart/client';
import { Status } from '@rampart/core';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryAppOptions } from '../src/app.js';
import { InventoryServiceDescriptor, type InventoryServiceClient } from '../src/generated/index.js';

let t: TestApp;
let inventory: InventoryServiceClient;
beforeAll(async () => {
  t = await startTestApp(inventoryAppOptions());
  inventory = await t.client(InventoryServiceDescriptor, { as: '/orders' });
});
afterAll(() => t.close());

describe('inventory service', () => {
  it('refuses a caller without a client certificate, before any handler runs', async () => {
    const anonymous = await t.client(InventoryServiceDescriptor);
    const err = await anonymous.getStock({ sku: 'SKU-RED-MUG' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(Status.UNAUTHENTICATED);
  });

  it('answers GetStock and refuses an unknown SKU with NOT_FOUND', async () => {
    expect(await inventory.getStock({ sku: 'SKU-RED-MUG' })).toEqual({ sku: 'SKU-RED-MUG', available: 40, reserved: 0 });
    await expect(inventory.getStock({ sku: 'nope' })).rejects.toMatchObject({ code: Status.NOT_FOUND });
  });

  it('reserves stock and refuses to oversell', async () => {
    const res = await inventory.reserve({ sku: 'SKU-BLUE-MUG', quantity: 2, orderId: 'o-1' });
    expect(res.remaining).toBe(10);
    expect(res.reservationId).toMatch(/^[0-9a-f-]{36}$/);
    const err = await inventory.reserve({ sku: 'SKU-BLUE-MUG', quantity: 99, orderId: 'o-2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(Status.FAILED_PRECONDITION);
    await expect(inventory.reserve({ sku: 'SKU-BLUE-MUG', quantity: 0, orderId: 'o-3' })).rejects.toMatchObject({
      code: Status.INVALID_ARGUMENT,
    });
  });

  it('streams stock changes to a watcher', async () => {
    const seen: number[] = [];
    const watching = (async () => {
      for await (const level of inventory.watchStock({ sku: 'SKU-TEAPOT', maxUpdates: 3 })) seen.push(level.available);
    })();
    await new Promise((r) => setTimeout(r, 100));
    await inventory.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'o-4' });
    await inventory.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'o-5' });
    await watching;
    expect(seen).toEqual([3, 2, 1]);
  });

  it('applies a stream of adjustments and answers a stream of queries', async () => {
    const res = await inventory.adjustStock([
      { sku: 'SKU-RED-MUG', delta: 10 },
      { sku: 'SKU-RED-MUG', delta: -5 },
    ]);
    expect(res.adjustments).toBe(2);
    expect(res.levels).toEqual([{ sku: 'SKU-RED-MUG', available: 45, reserved: 0 }]);
    const levels: string[] = [];
    for await (const level of inventory.checkStock([{ sku: 'SKU-RED-MUG' }, { sku: 'SKU-TEAPOT' }])) levels.push(level.sku);
    expect(levels).toEqual(['SKU-RED-MUG', 'SKU-TEAPOT']);
  });
});
