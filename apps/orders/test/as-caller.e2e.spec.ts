// A handler may call downstream "as the caller" (asCaller: the caller's token exchanged, RFC 8693) only with a token
// its own auth pipeline verified. The issuer leaves the subject token's certificate binding to the service that
// received it (ADR 0010), so a service that exchanged whatever `authorization` header came in would launder a stolen,
// bound token: on a method that checks no token (mTLS only, or @Public), the thief's call would come back with a fresh
// token in the victim's name, bound to this service's certificate. Real issuer, real servers.
import { RequireMtls } from '@rampart/auth';
import { clientOf, closeClient, createClient, createMtlsChannelCredentials } from '@rampart/client';
import { GrpcService, RampartError, Status, type CallContext } from '@rampart/core';
import type { RampartApp } from '@rampart/server';
import { rampartErrorOf } from '@rampart/test-support';
import { inject } from 'inversify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROTO_ROOT } from '../src/app.js';
import {
  InventoryServiceDescriptor,
  OrdersServiceDescriptor,
  type InventoryServiceClient,
  type Order,
  type OrdersServiceClient,
  type PlaceOrderRequest__Output,
} from '../src/generated/index.js';
import { DemoWorld, INVENTORY, ORDERS } from './demo-world.js';

/** What the careless handler saw of its downstream call. */
const downstream: { reservedFor?: string; error?: unknown }[] = [];

/** An orders service whose placeOrder checks only the client certificate, then reserves at inventory as the caller. */
@GrpcService(OrdersServiceDescriptor)
@RequireMtls()
class MtlsOnlyOrders {
  constructor(@inject(clientOf(InventoryServiceDescriptor)) private readonly inventory: InventoryServiceClient) {}

  async placeOrder(req: PlaceOrderRequest__Output, ctx: CallContext): Promise<Order> {
    try {
      const reservation = await this.inventory.reserve({ sku: req.sku, quantity: req.quantity, orderId: 'o-1' }, { parent: ctx, asCaller: true });
      downstream.push({ reservedFor: reservation.reservedFor });
      return { orderId: 'o-1', sku: req.sku, quantity: req.quantity, status: 'RESERVED', reservationId: reservation.reservationId, placedBy: reservation.reservedFor };
    } catch (error) {
      downstream.push({ error });
      throw error;
    }
  }

  getOrder(): Order {
    throw new RampartError('ERR_NOT_FOUND', 'no orders here');
  }

  importOrders(): { accepted: number; rejected: number } {
    return { accepted: 0, rejected: 0 };
  }

  *trackOrders(): Iterable<Order> {}
}

let world: DemoWorld;
let careless: RampartApp;
let carelessAddress = '';
const exchanges: string[] = [];
const clients: OrdersServiceClient[] = [];
const channels: { close(): void }[] = [];

/** An orders client presenting `workload`'s certificate and sending `token` as it is (no token source). */
async function callerAs(workload: string, address: string): Promise<OrdersServiceClient> {
  const files = await world.workload(workload);
  const channel = createMtlsChannelCredentials({ certFile: files.cert, keyFile: files.key, caFile: world.caFile, expectedServerId: ORDERS });
  channels.push(channel);
  await channel.ready;
  const client = createClient(OrdersServiceDescriptor, { address, protoRoot: PROTO_ROOT, credentials: channel.credentials });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  world = await new DemoWorld().start();
  world.issuer.provider.on('grant.success', ((ctx: { oidc: { params?: { grant_type?: string } } }) => {
    if (ctx.oidc.params?.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange') exchanges.push('exchange');
  }));
  careless = await world.createOrders({ expectedServerId: INVENTORY }, undefined, [MtlsOnlyOrders]);
  carelessAddress = `127.0.0.1:${(await careless.listen()).port}`;
});
afterAll(async () => {
  for (const client of clients) closeClient(client);
  for (const channel of channels) channel.close();
  await careless?.close({ graceMs: 200 });
  await world?.stop();
});
beforeEach(() => {
  downstream.length = 0;
  exchanges.length = 0;
});

describe('asCaller exchanges only a token the calling request verified', () => {
  it("a thief replays demo-client's bound token at a method that checks no token: nothing is exchanged, inventory is not reached", async () => {
    const alice = await world.workload('demo-client');
    const stolen = await world.tokenClient(alice, 'demo-client').token(ORDERS); // bound to demo-client's certificate
    const thief = await callerAs('intruder', carelessAddress);
    const error = await rampartErrorOf(
      thief.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'mallory' }, { metadata: { authorization: `Bearer ${stolen}` } }),
    );
    // The careless handler's own mistake: INTERNAL to the thief, the reason only in the handler's error.
    expect([error.status, error.message]).toEqual([Status.INTERNAL, 'internal error']);
    expect(downstream).toHaveLength(1);
    const own = downstream[0]?.error as RampartError;
    expect([own.code, own.downstream]).toEqual(['ERR_INTERNAL', false]);
    expect(own.message).toMatch(/asCaller: .*PlaceOrder has no verified bearer token to exchange/);
    expect(downstream[0]?.reservedFor).toBeUndefined();
    expect(exchanges).toEqual([]); // the issuer issued nothing
  });

  it('the control: the real orders service (@Authenticated, bound) exchanges the verified token of the same workload', async () => {
    const alice = await world.workload('demo-client');
    const orders = await world.ordersClient(alice, world.tokenClient(alice, 'demo-client'));
    const order = await orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' });
    expect(order.placedBy).toContain(`via ${ORDERS}`);
    expect(exchanges).toEqual(['exchange']);
  });
});
