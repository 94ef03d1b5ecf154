/**
 * What request validation costs per call (run it: `node apps/bench/dist/validate-loop-main.js`): the same
 * `PlaceOrder` request (orders.proto's buf.validate rules: SKU pattern, quantity range, lengths) through two apps in
 * process, without sockets (`inProcess`): one with `rampartValidate()`, one without, in alternating rounds, 32 calls
 * in flight. The difference is the plugin's work per call: re-encoding the request, reading it as a protobuf-es
 * message, protovalidate's evaluation. Both pay the in-process invoker, so the absolute figures are not a server's.
 */
import 'reflect-metadata';
import { implementService, Public, type ServiceDescriptor } from '@rampart/core';
import { rampartValidate } from '@rampart/plugin-validate';
import { PROTO_ROOT } from '@rampart/protos';
import { createApp, type RampartApp } from '@rampart/server';
import { inProcess, TEST_CONFIG_VALUES, type InProcessApp } from '@rampart/testing';

type Unary = { kind: 'unary'; request: object; requestOut: object; response: object; responseOut: object };
type ClientStream = { kind: 'clientStream'; request: object; requestOut: object; response: object; responseOut: object };
type Bidi = { kind: 'bidi'; request: object; requestOut: object; response: object; responseOut: object };
type OrdersShape = { readonly placeOrder: Unary; readonly getOrder: Unary; readonly importOrders: ClientStream; readonly trackOrders: Bidi };

const service = 'rampart.demo.orders.v1.OrdersService';
const method = (name: string, kind: string) => ({ name, path: `/${service}/${name}`, kind });
/** The orders service as the sample protos declare it (the bench does not generate the sample system's code). */
const OrdersDescriptor = {
  typeName: service,
  protoFile: 'rampart/demo/orders/v1/orders.proto',
  methods: {
    placeOrder: method('PlaceOrder', 'unary'),
    getOrder: method('GetOrder', 'unary'),
    importOrders: method('ImportOrders', 'clientStream'),
    trackOrders: method('TrackOrders', 'bidi'),
  },
} as unknown as ServiceDescriptor<OrdersShape>;

const order = { orderId: 'ord-1', sku: 'SKU-RED-MUG', quantity: 2, status: 'RESERVED', reservationId: 'r-1', placedBy: 'bench' };
const orders = implementService(
  OrdersDescriptor,
  {
    placeOrder: () => Promise.resolve(order),
    getOrder: () => Promise.resolve(order),
    importOrders: () => Promise.resolve({ accepted: 0, rejected: 0 }),
    async *trackOrders() {},
  },
  { auth: [Public()] },
);

/** The request each call sends: valid, so every call runs the whole of the rules. */
export const PLACE_ORDER = { sku: 'SKU-RED-MUG', quantity: 2, customer: 'alice', requestId: '3f2a9c4e-1b7d-4e8a-9c3b-5d6e7f8a9b0c' };

async function app(validate: boolean): Promise<RampartApp> {
  return createApp({
    name: validate ? 'orders-validated' : 'orders',
    services: [orders],
    protos: { root: PROTO_ROOT },
    plugins: validate ? [rampartValidate()] : [],
    config: { values: { ...TEST_CONFIG_VALUES, transport: { insecure: true } }, env: {} },
    handleSignals: false,
  });
}

async function runLoop(target: InProcessApp, calls: number): Promise<number> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started++ < calls) {
      const outcome = await target.invoke(PLACE_ORDER_METHOD, PLACE_ORDER);
      if (outcome.status !== 0) throw new Error(`a call failed: ${outcome.status} ${outcome.details}`);
    }
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: 32 }, worker));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls;
}

/** The two apps of the loop, called in process: `plain` without validation, `validated` with `rampartValidate()`. */
export async function validateLoopApps(): Promise<{ plain: InProcessApp; validated: InProcessApp; close(): Promise<void> }> {
  const plain = await app(false);
  const validated = await app(true);
  return {
    plain: inProcess(plain),
    validated: inProcess(validated),
    async close() {
      await plain.close({ graceMs: 0 });
      await validated.close({ graceMs: 0 });
    },
  };
}

/** The method the loop calls. */
export const PLACE_ORDER_METHOD = OrdersDescriptor.methods.placeOrder;

/** CPU µs per call without and with validation, one entry per round, rounds alternating after a warm-up. */
export async function validateLoop(calls: number, rounds: number): Promise<{ without: number[]; with: number[] }> {
  const apps = await validateLoopApps();
  try {
    await runLoop(apps.plain, Math.min(calls, 20_000));
    await runLoop(apps.validated, Math.min(calls, 20_000));
    const results = { without: [] as number[], with: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      results.without.push(await runLoop(apps.plain, calls));
      results.with.push(await runLoop(apps.validated, calls));
    }
    return results;
  } finally {
    await apps.close();
  }
}
