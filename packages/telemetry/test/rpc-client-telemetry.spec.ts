// CLIENT spans and rpc.client.call.duration by the stable RPC conventions, server.address/port from the target, and
// OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup (the pre-stable names as well) on both sides.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Status, type IncomingMetadata, type MethodDescriptor, type MethodInfo } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRpcTelemetry, type RpcSemconv } from '../src/index.js';
import { injectTraceContext } from '../src/internal.js';
import { TestReader } from './test-reader.js';

const SERVICE = 'rampart.demo.inventory.v1.InventoryService';
const reserve: MethodDescriptor = { name: 'Reserve', path: `/${SERVICE}/Reserve`, kind: 'unary' };
const serverReserve: MethodInfo = { ...reserve, service: SERVICE, handlerName: 'reserve' };
const noMetadata: IncomingMetadata = { get: () => [] };

function setup(semconv?: RpcSemconv) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const telemetry = createRpcTelemetry({ tracerProvider, meterProvider: new MeterProvider({ readers: [reader] }), ...(semconv ? { semconv } : {}) });
  const metric = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  };
  return { exporter, telemetry, metric, tracerProvider };
}

beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  propagation.disable();
  context.disable();
});

describe('client calls', () => {
  it('a CLIENT span named <service>/<method>, child of the active span, with server.address/port from the target', () => {
    const { exporter, telemetry, tracerProvider } = setup();
    const method = telemetry.clientMethod(SERVICE, reserve, 'dns:///inventory.shop.svc:8443');
    const parent = tracerProvider.getTracer('test').startSpan('handler');
    const call = context.with(trace.setSpan(context.active(), parent), () => method.start());
    const outgoing: Record<string, string> = {};
    injectTraceContext((key, value) => (outgoing[key] = value), call.context);
    call.end(Status.OK);
    parent.end();
    const span = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(span?.name).toBe(`${SERVICE}/Reserve`);
    expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span?.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': `${SERVICE}/Reserve`,
      'server.address': 'inventory.shop.svc',
      'server.port': 8443,
      'rpc.status_code': 'OK',
    });
    // the server sees the client span as its parent
    expect(outgoing.traceparent).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
  });

  it('fails on every code but OK: span status ERROR and error.type, on the span and the metric', async () => {
    const { exporter, telemetry, metric } = setup();
    const method = telemetry.clientMethod(SERVICE, reserve, '127.0.0.1:50051');
    method.start().end(Status.PERMISSION_DENIED, new Error('not yours'));
    method.start().end(Status.OK);
    const [denied, ok] = exporter.getFinishedSpans();
    expect(denied?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not yours' });
    expect(denied?.attributes).toMatchObject({ 'rpc.status_code': 'PERMISSION_DENIED', 'error.type': 'PERMISSION_DENIED' });
    expect(ok?.status.code).toBe(SpanStatusCode.UNSET);
    const durations = await metric('rpc.client.call.duration');
    expect(durations?.descriptor).toMatchObject({ unit: 's' });
    const points = durations?.dataPoints.map((p) => p.attributes) ?? [];
    expect(points).toContainEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': `${SERVICE}/Reserve`,
      'server.address': '127.0.0.1',
      'server.port': 50051,
      'rpc.status_code': 'PERMISSION_DENIED',
      'error.type': 'PERMISSION_DENIED',
    });
    expect(points).toHaveLength(2);
  });

  it('emits no pre-stable name by default', async () => {
    const { exporter, telemetry, metric } = setup();
    telemetry.startServerCall(serverReserve, noMetadata).end(Status.OK);
    telemetry.clientMethod(SERVICE, reserve, 'inventory:443').start().end(Status.OK);
    for (const span of exporter.getFinishedSpans()) {
      for (const key of ['rpc.system', 'rpc.service', 'rpc.grpc.status_code']) expect(span.attributes).not.toHaveProperty(key);
    }
    expect(await metric('rpc.server.duration')).toBeUndefined();
    expect(await metric('rpc.client.duration')).toBeUndefined();
  });
});

describe('OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup', () => {
  it('adds the pre-stable span attributes and the millisecond histograms with the old attributes', async () => {
    const { exporter, telemetry, metric } = setup('dup');
    telemetry.startServerCall(serverReserve, noMetadata, performance.now() - 20).end(Status.NOT_FOUND);
    telemetry.clientMethod(SERVICE, reserve, 'inventory:443').start().end(Status.NOT_FOUND);
    const [server, client] = exporter.getFinishedSpans();
    for (const span of [server, client]) {
      expect(span?.attributes).toMatchObject({
        'rpc.system.name': 'grpc',
        'rpc.system': 'grpc',
        'rpc.service': SERVICE,
        'rpc.method': `${SERVICE}/Reserve`,
        'rpc.status_code': 'NOT_FOUND',
        'rpc.grpc.status_code': Status.NOT_FOUND,
      });
    }
    const old = await metric('rpc.server.duration');
    expect(old?.descriptor.unit).toBe('ms');
    expect(old?.dataPoints[0]?.attributes).toEqual({ 'rpc.system': 'grpc', 'rpc.service': SERVICE, 'rpc.method': 'Reserve', 'rpc.grpc.status_code': 5 });
    expect((old?.dataPoints[0]?.value as Histogram).sum).toBeGreaterThanOrEqual(20);
    const stable = await metric('rpc.server.call.duration');
    expect((stable?.dataPoints[0]?.value as Histogram).sum).toBeLessThan(1);
    expect((await metric('rpc.client.duration'))?.dataPoints[0]?.attributes).toMatchObject({ 'rpc.method': 'Reserve' });
    expect((await metric('rpc.client.call.duration'))?.dataPoints[0]?.attributes).toMatchObject({ 'rpc.method': `${SERVICE}/Reserve` });
  });

  it('is read from the environment when no option says', async () => {
    const saved = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http, rpc/dup';
    try {
      const { telemetry, metric } = setup();
      telemetry.startServerCall(serverReserve, noMetadata).end(Status.OK);
      expect(await metric('rpc.server.duration')).toBeDefined();
    } finally {
      if (saved === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
      else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = saved;
    }
  });
});
