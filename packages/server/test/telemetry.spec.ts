import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRpcTelemetry } from '@rampart/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { rejectionOf, startEchoApp, type Started } from './fixtures/harness.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let s: Started;
beforeAll(async () => {
  s = await startEchoApp({ telemetry: createRpcTelemetry({ tracerProvider: provider }) });
});
afterAll(() => s.close());

describe('server telemetry', () => {
  it('records one SERVER span per RPC with the RPC attributes and the status code', async () => {
    exporter.reset();
    await s.echo.echo({ text: 'a' });
    await rejectionOf(s.echo.echo({ text: 'a', fail: 'ERR_NOT_FOUND' }));
    const spans = exporter.getFinishedSpans();
    expect(spans.map((sp) => sp.name)).toEqual(['rampart.test.v1.EchoService/Echo', 'rampart.test.v1.EchoService/Echo']);
    expect(spans[0]?.kind).toBe(SpanKind.SERVER);
    expect(spans[0]?.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'rampart.test.v1.EchoService', 'rpc.method': 'Echo', 'rpc.grpc.status_code': 0 });
    expect(spans[1]?.attributes['rpc.grpc.status_code']).toBe(5);
  });

  it('continues the caller trace from the traceparent metadata', async () => {
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    const { propagation } = await import('@opentelemetry/api');
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      await s.echo.echo({ text: 'a' }, { metadata: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    } finally {
      propagation.disable();
    }
    const span = exporter.getFinishedSpans()[0];
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId ?? (span as unknown as { parentSpanId?: string }).parentSpanId).toBe('00f067aa0ba902b7');
  });

  it('makes the call span the active span while the handler runs (also after an await)', async () => {
    exporter.reset();
    probe.reset();
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      await s.echo.echo({ text: 'active?', delayMs: 5 });
    } finally {
      context.disable();
    }
    const span = exporter.getFinishedSpans()[0];
    expect(probe.activeSpanIds).toEqual([span?.spanContext().spanId]);
  });
});
