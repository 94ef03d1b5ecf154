// One trace across the sample system, each service its own process with its own OpenTelemetry SDK, exported over
// OTLP/HTTP (protobuf) to a real receiver: demo-client → orders (PlaceOrder) → issuer (token exchange, in the
// caller's name) → inventory (Reserve), with every parent link where it belongs.
import { ensureDevPki } from '@rampart/pki';
import { startOtelSdk, type OtelSdk } from '@rampart/plugin-otel';
import { OtlpReceiver, type ReceivedSpan } from '@rampart/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Callers } from '../src/callers.js';
import { DEMO_TRUST_DOMAIN, demoId, WORKLOADS, type DemoPki } from '../src/dev-pki.js';
import { OrdersServiceDescriptor } from '../src/generated/index.js';
import { waitForIssuer, waitUntilServing } from '../src/health.js';
import { stopAll } from '../src/processes.js';
import { startWorld, type World } from '../src/world.js';

const PLACE_ORDER = 'rampart.demo.orders.v1.OrdersService/PlaceOrder';
const RESERVE = 'rampart.demo.inventory.v1.InventoryService/Reserve';
/** What every process exports: traces only, batched briefly. */
const OTEL_ENV = { OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '100' };

const dir = mkdtempSync(join(tmpdir(), 'rampart-trace-'));
let receiver: OtlpReceiver;
let sdk: OtelSdk;
let world: World;
let callers: Callers;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  // The services inherit this process's environment: they export to the receiver as well.
  for (const [key, value] of Object.entries({ ...OTEL_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint })) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  sdk = await startOtelSdk({ serviceName: 'demo-client' });
  const paths = await ensureDevPki({ dir: join(dir, 'pki'), trustDomain: DEMO_TRUST_DOMAIN, workloads: WORKLOADS.map((name) => ({ name })) });
  const pki: DemoPki = { ...paths, rogue: { cert: '', key: '' } };
  world = await startWorld(pki, dir, 'warn');
  callers = new Callers(pki, world.issuerUrl);
  await waitForIssuer(world.issuerUrl, readFileSync(pki.caCert), 30_000, world.issuer.exited);
  await waitUntilServing(world.inventoryAddress, 30_000, world.inventory.exited, await callers.mtls('demo-client', 'inventory'));
  await waitUntilServing(world.ordersAddress, 30_000, world.orders.exited, await callers.mtls('demo-client', 'orders'));
}, 90_000);

afterAll(async () => {
  await callers?.close().catch(() => undefined);
  await stopAll();
  await sdk?.shutdown(2_000);
  await receiver?.stop();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('one trace across demo-client, orders, issuer and inventory', () => {
  it('PlaceOrder: every span in one trace, each parented by the span that caused it', async () => {
    const alice = callers.tokens('demo-client', { [demoId('orders')]: ['orders:read', 'orders:write'] });
    const orders = callers.client(OrdersServiceDescriptor, world.ordersAddress, await callers.mtls('demo-client', 'orders'), {
      source: alice,
      audience: demoId('orders'),
    });
    const order = await orders.placeOrder({ sku: 'SKU-RED-MUG', quantity: 1, customer: 'alice' });
    expect(order.status).toBe('RESERVED');

    const root = (spans: readonly ReceivedSpan[]) => spans.find((s) => s.service === 'demo-client' && s.kind === 'CLIENT' && s.name === PLACE_ORDER);
    const all = await receiver.waitFor((spans) => {
      const r = root(spans);
      if (r === undefined) return false;
      const trace = spans.filter((s) => s.traceId === r.traceId);
      return ['orders', 'issuer', 'inventory'].every((service) => trace.some((s) => s.service === service && s.kind === 'SERVER'));
    }, 20_000);
    const client = root(all)!;
    const trace = all.filter((s) => s.traceId === client.traceId);
    const one = (what: string, match: (s: ReceivedSpan) => boolean): ReceivedSpan => {
      const found = trace.filter(match);
      expect(found.length, `${what}: ${found.length} spans`).toBe(1);
      return found[0]!;
    };

    expect(client.parentSpanId).toBe('');
    expect(client.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.method': PLACE_ORDER, 'rpc.status_code': 'OK' });
    const ordersServer = one('orders SERVER PlaceOrder', (s) => s.service === 'orders' && s.kind === 'SERVER' && s.name === PLACE_ORDER);
    expect(ordersServer.parentSpanId).toBe(client.spanId);
    expect(ordersServer.attributes).toMatchObject({ 'rpc.status_code': 'OK', 'rampart.auth.decision': 'allow' });

    const reserveClient = one('orders CLIENT Reserve', (s) => s.service === 'orders' && s.kind === 'CLIENT' && s.name === RESERVE);
    expect(reserveClient.parentSpanId).toBe(ordersServer.spanId);

    // The token exchange: orders' HTTP POST to the token endpoint (undici instrumentation; its first token request also
    // reads the discovery document), a child of the Reserve call it is made for, and the issuer's span for it, a
    // child of that request.
    const exchangeRequest = one(
      'orders HTTP POST to the issuer',
      (s) => s.service === 'orders' && s.kind === 'CLIENT' && s.scope.includes('undici') && s.attributes['http.request.method'] === 'POST',
    );
    expect(exchangeRequest.parentSpanId).toBe(reserveClient.spanId);
    const issuerServer = one('issuer SERVER for the exchange', (s) => s.service === 'issuer' && s.kind === 'SERVER' && s.parentSpanId === exchangeRequest.spanId);
    expect(issuerServer.name).toBe('POST /token');
    expect(issuerServer.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/token', 'http.response.status_code': 200 });

    const inventoryServer = one('inventory SERVER Reserve', (s) => s.service === 'inventory' && s.kind === 'SERVER' && s.name === RESERVE);
    expect(inventoryServer.parentSpanId).toBe(reserveClient.spanId);
    expect(inventoryServer.attributes).toMatchObject({ 'rpc.status_code': 'OK', 'rampart.auth.decision': 'allow' });

    // Every span of the trace has its parent in the trace, but the root.
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`)).toEqual([]);
  }, 60_000);
});
