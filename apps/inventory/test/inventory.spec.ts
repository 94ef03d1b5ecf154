import { Status } from '@rampart/core';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryAppOptions } from '../src/app.js';
import { InventoryServiceDescriptor, type InventoryServiceClient } from '../src/generated/index.js';
import { ORDERS_WORKLOAD, ORDERS_WORKLOAD_ON_KUBERNETES } from '../src/index.js';

const AUDIENCE = 'spiffe://demo.rampart.dev/inventory';
let t: TestApp;
let issuer: TestIssuer;
let orders: InventoryServiceClient;
let ordersThumbprint: string;
let reader: string;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: AUDIENCE });
  t = await startTestApp({ ...inventoryAppOptions(), trustDomain: 'demo.rampart.dev', values: { auth: { tokens: { issuer: issuer.url, audience: AUDIENCE } } } });
  orders = await t.client(InventoryServiceDescriptor, { as: ORDERS_WORKLOAD });
  ordersThumbprint = (await t.pki!.clientCertificate(ORDERS_WORKLOAD)).thumbprint;
  reader = await issuer.mint({ sub: 'alice' }, { scope: 'inventory:read inventory:adjust', expiresIn: 600 });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

const reserveToken = (claims: Record<string, unknown> = {}) =>
  issuer.mint({ sub: 'alice', act: { sub: ORDERS_WORKLOAD }, ...claims }, { scope: 'inventory:reserve', thumbprint: ordersThumbprint });

describe('inventory service', () => {
  it('refuses a caller without a client certificate, and one without a token', async () => {
    const anonymous = await t.client(InventoryServiceDescriptor);
    await expect(anonymous.getStock({ sku: 'SKU-RED-MUG' }, withBearer(reader))).rejects.toMatchObject({ status: Status.UNAUTHENTICATED });
    await expect(orders.getStock({ sku: 'SKU-RED-MUG' })).rejects.toMatchObject({ status: Status.UNAUTHENTICATED });
  });

  it('answers GetStock and refuses an unknown SKU with NOT_FOUND', async () => {
    expect(await orders.getStock({ sku: 'SKU-RED-MUG' }, withBearer(reader))).toEqual({ sku: 'SKU-RED-MUG', available: 40, reserved: 0 });
    await expect(orders.getStock({ sku: 'nope' }, withBearer(reader))).rejects.toMatchObject({ status: Status.NOT_FOUND });
  });

  it('reserves stock for orders on behalf of the caller, and refuses to oversell', async () => {
    const res = await orders.reserve({ sku: 'SKU-BLUE-MUG', quantity: 2, orderId: 'o-1' }, withBearer(await reserveToken()));
    expect(res.remaining).toBe(10);
    expect(res.reservedFor).toBe(`alice via ${ORDERS_WORKLOAD}`);
    const err = await rampartErrorOf(orders.reserve({ sku: 'SKU-BLUE-MUG', quantity: 99, orderId: 'o-2' }, withBearer(await reserveToken())));
    expect(err.status).toBe(Status.FAILED_PRECONDITION);
  });

  it('lets orders reserve under its Kubernetes ServiceAccount ID too (deploy/kubernetes), and no one else in that namespace', async () => {
    const k8sOrders = await t.client(InventoryServiceDescriptor, { as: ORDERS_WORKLOAD_ON_KUBERNETES });
    const thumbprint = (await t.pki!.clientCertificate(ORDERS_WORKLOAD_ON_KUBERNETES)).thumbprint;
    const token = await issuer.mint({ sub: 'alice', act: { sub: ORDERS_WORKLOAD_ON_KUBERNETES } }, { scope: 'inventory:reserve', thumbprint });
    const res = await k8sOrders.reserve({ sku: 'SKU-BLUE-MUG', quantity: 1, orderId: 'o-k8s' }, withBearer(token));
    expect(res.reservedFor).toBe(`alice via ${ORDERS_WORKLOAD_ON_KUBERNETES}`);
    const inventorySa = 'spiffe://demo.rampart.dev/ns/rampart/sa/inventory';
    const other = await t.client(InventoryServiceDescriptor, { as: inventorySa });
    const otherThumbprint = (await t.pki!.clientCertificate(inventorySa)).thumbprint;
    const otherToken = await issuer.mint({ sub: 'alice', act: { sub: inventorySa } }, { scope: 'inventory:reserve', thumbprint: otherThumbprint });
    await expect(other.reserve({ sku: 'SKU-BLUE-MUG', quantity: 1, orderId: 'o-k8s-2' }, withBearer(otherToken))).rejects.toMatchObject({ status: Status.PERMISSION_DENIED });
  });

  it('lets only the orders workload reserve, with a bound token carrying inventory:reserve', async () => {
    const other = await t.client(InventoryServiceDescriptor, { as: 'spiffe://demo.rampart.dev/demo-client' });
    await expect(other.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'x' }, withBearer(await reserveToken()))).rejects.toMatchObject({
      status: Status.PERMISSION_DENIED,
    });
    await expect(orders.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'x' }, withBearer(reader))).rejects.toMatchObject({
      status: Status.UNAUTHENTICATED, // not certificate-bound
    });
  });

  it('streams stock changes to a watcher', async () => {
    const seen: number[] = [];
    const watching = (async () => {
      for await (const level of orders.watchStock({ sku: 'SKU-TEAPOT', maxUpdates: 3 }, withBearer(reader))) seen.push(level.available);
    })();
    await waitFor(() => seen.length > 0, 'the current level: the watch has started');
    await orders.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'o-4' }, withBearer(await reserveToken()));
    await orders.reserve({ sku: 'SKU-TEAPOT', quantity: 1, orderId: 'o-5' }, withBearer(await reserveToken()));
    await watching;
    expect(seen).toEqual([3, 2, 1]);
  });

  it('applies a stream of adjustments and answers a stream of queries', async () => {
    const res = await orders.adjustStock(
      [
        { sku: 'SKU-RED-MUG', delta: 10 },
        { sku: 'SKU-RED-MUG', delta: -5 },
      ],
      withBearer(reader),
    );
    expect(res.adjustments).toBe(2);
    expect(res.levels).toEqual([{ sku: 'SKU-RED-MUG', available: 45, reserved: 0 }]);
    const levels: string[] = [];
    for await (const level of orders.checkStock([{ sku: 'SKU-RED-MUG' }, { sku: 'SKU-TEAPOT' }], withBearer(reader))) levels.push(level.sku);
    expect(levels).toEqual(['SKU-RED-MUG', 'SKU-TEAPOT']);
  });
});
