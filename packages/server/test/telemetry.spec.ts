import { context, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Interceptor } from '@rampart/core';
import { createLogger, createRpcTelemetry } from '@rampart/telemetry';
import { collect, collectUntilError, rejectionOf, waitFor } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

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
    expect(spans[0]?.attributes).toEqual({ 'rpc.system.name': 'grpc', 'rpc.method': 'rampart.test.v1.EchoService/Echo', 'rpc.status_code': 'OK' });
    expect(spans[1]?.attributes['rpc.status_code']).toBe('NOT_FOUND');
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

describe('log lines inside a call', () => {
  it('carry the call span\'s trace and span id: the handler\'s lines and those of an onStart hook (where the auth audit is written)', async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'echo', destination: { write: (line: string) => lines.push(line) } });
    const hookLogger: Interceptor = {
      name: 'hook-logger',
      forMethod: () => ({
        onStart: async (ctx) => {
          await Promise.resolve();
          ctx.logger.info('hook ran');
        },
      }),
    };
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    const started = await startEchoApp({ telemetry: createRpcTelemetry({ tracerProvider: provider }), logger, interceptors: [hookLogger] });
    try {
      exporter.reset();
      await started.echo.echo({ text: 'log me', fail: 'ERR_INTERNAL' }).catch(() => undefined);
    } finally {
      await started.close();
      context.disable();
    }
    const span = exporter.getFinishedSpans()[0];
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const hook = parsed.find((l) => l.msg === 'hook ran');
    const failure = parsed.find((l) => l.rpc === '/rampart.test.v1.EchoService/Echo' && l.msg !== 'hook ran');
    for (const line of [hook, failure]) {
      expect(line).toMatchObject({ trace_id: span?.spanContext().traceId, span_id: span?.spanContext().spanId });
    }
  });
});

describe('client telemetry (@rampart/client)', () => {
  it('a CLIENT span per call: parent of the server span, ended with the status; streams end OK, failed, or CANCELLED when the caller stops', async () => {
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    const { propagation } = await import('@opentelemetry/api');
    const { closeClient, createClient } = await import('@rampart/client');
    const { credentials } = await import('@grpc/grpc-js');
    const { EchoServiceDescriptor } = await import('./generated/index.js');
    const { protoRoot } = await import('./fixtures/harness.js');
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const client = createClient(EchoServiceDescriptor, {
      address: s.address,
      protoRoot,
      credentials: credentials.createInsecure(),
      telemetry: createRpcTelemetry({ tracerProvider: provider }),
    });
    try {
      exporter.reset();
      await client.echo({ text: 'a' });
      await rejectionOf(client.echo({ text: 'a', fail: 'ERR_NOT_FOUND' }));
      await collect(client.count({ from: 0, to: 3, failAfter: -1 }));
      await collectUntilError(client.count({ from: 0, to: 5, failAfter: 1 }));
      for await (const _m of client.count({ from: 0, to: 5, failAfter: -1, delayMs: 5 })) break;
      const ended = (kind: SpanKind) => exporter.getFinishedSpans().filter((sp) => sp.kind === kind).length;
      await waitFor(() => ended(SpanKind.CLIENT) === 5 && ended(SpanKind.SERVER) === 5, 'the five client and five server spans to end');
    } finally {
      closeClient(client);
      propagation.disable();
    }
    const spans = exporter.getFinishedSpans();
    const clients = spans.filter((sp) => sp.kind === SpanKind.CLIENT);
    expect(clients.map((sp) => [sp.name, sp.attributes['rpc.status_code']])).toEqual([
      ['rampart.test.v1.EchoService/Echo', 'OK'],
      ['rampart.test.v1.EchoService/Echo', 'NOT_FOUND'],
      ['rampart.test.v1.EchoService/Count', 'OK'],
      ['rampart.test.v1.EchoService/Count', 'FAILED_PRECONDITION'],
      ['rampart.test.v1.EchoService/Count', 'CANCELLED'],
    ]);
    const [port] = s.address.split(':').slice(-1);
    expect(clients[0]?.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'server.address': '127.0.0.1', 'server.port': Number(port) });
    expect(clients[1]?.attributes['error.type']).toBe('NOT_FOUND');
    for (const client of clients) {
      const server = spans.find((sp) => sp.kind === SpanKind.SERVER && sp.parentSpanContext?.spanId === client.spanContext().spanId);
      expect(server?.name, client.name).toBe(client.name);
      expect(server?.spanContext().traceId).toBe(client.spanContext().traceId);
    }
  });
});
