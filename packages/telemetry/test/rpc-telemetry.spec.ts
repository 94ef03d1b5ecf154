import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { DataPointType, MeterProvider, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Status, statusName, type IncomingMetadata, type MethodInfo } from '@rampart/core';
import { createRpcTelemetry } from '../src/index.js';
import { injectTraceContext } from '../src/internal.js';
import { makeJwt } from './fixtures.js';
import { TestReader } from './test-reader.js';

const reserve: MethodInfo = {
  service: 'rampart.demo.inventory.v1.InventoryService',
  name: 'Reserve',
  path: '/rampart.demo.inventory.v1.InventoryService/Reserve',
  kind: 'unary',
  handlerName: 'reserve',
};

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

function metadata(entries: Record<string, string> = {}): IncomingMetadata {
  return { get: (key) => (key in entries ? [entries[key]!] : []) };
}

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = createRpcTelemetry({ tracerProvider, meterProvider });
  const durations = async () => {
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    return all.find((m) => m.descriptor.name === 'rpc.server.call.duration');
  };
  return { exporter, telemetry, durations };
}

beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

afterAll(() => {
  propagation.disable();
  context.disable();
});

describe('startServerCall', () => {
  it('starts a SERVER span named <service>/<method> with the stable RPC attributes', () => {
    const { exporter, telemetry } = setup();
    telemetry.startServerCall(reserve, metadata()).end(Status.OK);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('rampart.demo.inventory.v1.InventoryService/Reserve');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'rampart.demo.inventory.v1.InventoryService/Reserve',
      'rpc.status_code': 'OK',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.instrumentationScope.name).toBe('@rampart/telemetry');
  });

  it('sets span status ERROR only for server-fault codes', () => {
    const { exporter, telemetry } = setup();
    const faults = new Set<number>([
      Status.UNKNOWN,
      Status.DEADLINE_EXCEEDED,
      Status.UNIMPLEMENTED,
      Status.INTERNAL,
      Status.UNAVAILABLE,
      Status.DATA_LOSS,
    ]);
    for (const code of Object.values(Status)) telemetry.startServerCall(reserve, metadata()).end(code);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(17);
    const codes = Object.values(Status);
    spans.forEach((span, i) => {
      const code = codes[i] as number;
      expect(span.attributes['rpc.status_code']).toBe(statusName(code));
      expect(span.status.code, `status ${code}`).toBe(faults.has(code) ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
      // error.type: the status, only when the call failed (for a server: the server-fault codes)
      expect(span.attributes['error.type']).toBe(faults.has(code) ? statusName(code) : undefined);
    });
    const unavailable = spans.find((s) => s.attributes['rpc.status_code'] === 'UNAVAILABLE');
    expect(unavailable?.status.message).toBe('UNAVAILABLE');
  });

  it('records the exception, scrubbed, with its causes', () => {
    const { exporter, telemetry } = setup();
    const jwt = makeJwt();
    const err = new Error(`db refused ${jwt}`, { cause: new Error(`pool said Bearer ${jwt}`) });
    telemetry.startServerCall(reserve, metadata()).end(Status.INTERNAL, err);
    telemetry.startServerCall(reserve, metadata()).end(Status.UNAUTHENTICATED, `token ${jwt} expired`);
    const [internal, unauthenticated] = exporter.getFinishedSpans();
    const event = internal?.events.find((e) => e.name === 'exception');
    expect(event?.attributes?.['exception.message']).toBe('db refused [redacted]');
    expect(event?.attributes?.['exception.type']).toBe('Error');
    expect(event?.attributes?.['exception.stacktrace']).toContain('caused by: Error: pool said Bearer [redacted]');
    expect(internal?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'db refused [redacted]' });
    expect(unauthenticated?.status.code).toBe(SpanStatusCode.UNSET);
    expect(unauthenticated?.events[0]?.attributes?.['exception.message']).toBe('token [redacted] expired');
    const recorded = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.events, s.status]));
    expect(recorded).not.toContain(jwt.split('.')[2]);
  });

  it('is parented by the traceparent in the metadata and keeps its tracestate', () => {
    const { exporter, telemetry } = setup();
    const call = telemetry.startServerCall(
      reserve,
      metadata({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'vendor=abc' }),
    );
    call.end(Status.OK);
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(span?.parentSpanContext?.isRemote).toBe(true);
    expect(span?.spanContext().traceState?.get('vendor')).toBe('abc');
  });

  it('makes the span active in call.context, and injectTraceContext carries it to outgoing metadata', () => {
    const { exporter, telemetry } = setup();
    const first = telemetry.startServerCall(reserve, metadata({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }));
    expect(trace.getSpan(first.context)).toBe(first.span);

    const outgoing: Record<string, string> = {};
    context.with(first.context, () => {
      expect(trace.getActiveSpan()).toBe(first.span);
      injectTraceContext((key, value) => (outgoing[key] = value));
    });
    const { traceId, spanId } = first.span.spanContext();
    expect(outgoing.traceparent).toBe(`00-${traceId}-${spanId}-01`);

    const explicit: Record<string, string> = {};
    injectTraceContext((key, value) => (explicit[key] = value), first.context);
    expect(explicit).toEqual(outgoing);

    const none: Record<string, string> = {};
    injectTraceContext((key, value) => (none[key] = value));
    expect(none).toEqual({});

    const second = telemetry.startServerCall(reserve, metadata(outgoing));
    second.end(Status.OK);
    first.end(Status.OK);
    const [downstream] = exporter.getFinishedSpans();
    expect(downstream?.spanContext().traceId).toBe(TRACE_ID);
    expect(downstream?.parentSpanContext?.spanId).toBe(spanId);
  });

  it('end() is idempotent: one span, one histogram sample', async () => {
    const { exporter, telemetry, durations } = setup();
    const call = telemetry.startServerCall(reserve, metadata());
    call.end(Status.NOT_FOUND);
    call.end(Status.INTERNAL, new Error('late'));
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(exporter.getFinishedSpans()[0]?.attributes['rpc.status_code']).toBe('NOT_FOUND');
    const metric = await durations();
    expect(metric?.dataPoints).toHaveLength(1);
    expect((metric?.dataPoints[0]?.value as Histogram).count).toBe(1);
  });
});

describe('rpc.server.call.duration', () => {
  it('records one sample per call, in seconds, with the status attribute', async () => {
    const { telemetry, durations } = setup();
    for (let i = 0; i < 3; i++) telemetry.startServerCall(reserve, metadata()).end(Status.OK);
    telemetry.startServerCall(reserve, metadata()).end(Status.PERMISSION_DENIED);
    const metric = await durations();
    expect(metric?.descriptor).toMatchObject({ name: 'rpc.server.call.duration', unit: 's' });
    expect(metric?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const byStatus = new Map(metric?.dataPoints.map((p) => [p.attributes['rpc.status_code'], p]));
    expect([...byStatus.keys()].sort()).toEqual(['OK', 'PERMISSION_DENIED']);
    const ok = byStatus.get('OK')!;
    expect(ok.attributes).toEqual({
      'rpc.system.name': 'grpc',
      'rpc.method': 'rampart.demo.inventory.v1.InventoryService/Reserve',
      'rpc.status_code': 'OK',
    });
    const value = ok.value as Histogram;
    expect(value.count).toBe(3);
    expect(value.sum).toBeGreaterThanOrEqual(0);
    expect(value.sum).toBeLessThan(1);
    expect((byStatus.get('PERMISSION_DENIED')!.value as Histogram).count).toBe(1);
    // PERMISSION_DENIED is the client's fault, not the server's: no error.type on the server's metric
    expect(byStatus.get('PERMISSION_DENIED')!.attributes['error.type']).toBeUndefined();
  });

  it('measures a call from the start time it is given', async () => {
    const { telemetry, durations } = setup();
    telemetry.startServerCall(reserve, metadata(), performance.now() - 2_000).end(Status.OK);
    const value = (await durations())?.dataPoints[0]?.value as Histogram;
    expect(value.count).toBe(1);
    expect(value.sum).toBeGreaterThanOrEqual(2);
    expect(value.sum).toBeLessThan(3);
  });
});

describe('without an OpenTelemetry SDK', () => {
  afterEach(() => {
    trace.disable();
  });

  it('reads no clock for the duration when no meter provider records it (the no-op histogram stays one)', () => {
    const telemetry = createRpcTelemetry();
    const now = vi.spyOn(performance, 'now');
    try {
      telemetry.startServerCall(reserve, metadata()).end(Status.OK);
      expect(now).not.toHaveBeenCalled();
      const { telemetry: recording } = setup();
      recording.startServerCall(reserve, metadata()).end(Status.OK);
      expect(now).toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
  });

  it('works on the no-op providers and passes the incoming trace context through', () => {
    const telemetry = createRpcTelemetry();
    const plain = telemetry.startServerCall(reserve, metadata());
    expect(plain.span.isRecording()).toBe(false);
    expect(plain.context).toBe(ROOT_CONTEXT);
    plain.end(Status.OK);
    plain.end(Status.OK);

    const traced = telemetry.startServerCall(reserve, metadata({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }));
    const outgoing: Record<string, string> = {};
    injectTraceContext((key, value) => (outgoing[key] = value), traced.context);
    expect(outgoing.traceparent).toBe(`00-${TRACE_ID}-${PARENT_ID}-01`);
    traced.end(Status.INTERNAL, new Error('boom'));
  });

  it('with nothing registered (no SDK, no propagator) makes no span per call, and notices a propagator registered later', () => {
    propagation.disable();
    try {
      const telemetry = createRpcTelemetry();
      const incoming = metadata({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` });
      const first = telemetry.startServerCall(reserve, incoming);
      const second = telemetry.startServerCall(reserve, metadata());
      expect(first.span).toBe(second.span); // one shared no-op span
      expect(first.span.isRecording()).toBe(false);
      expect(first.context).toBe(ROOT_CONTEXT); // no propagator: the incoming trace context is not read, as before
      first.end(Status.OK);
      second.end(Status.INTERNAL, new Error('boom'));

      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      const traced = telemetry.startServerCall(reserve, incoming);
      expect(trace.getSpanContext(traced.context)?.traceId).toBe(TRACE_ID);
      traced.end(Status.OK);

      propagation.disable();
      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      const recorded = telemetry.startServerCall(reserve, metadata());
      expect(recorded.span.isRecording()).toBe(true);
      recorded.end(Status.OK);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });

  it('picks up a tracer provider registered later through the global proxy', () => {
    const telemetry = createRpcTelemetry();
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    telemetry.startServerCall(reserve, metadata()).end(Status.OK);
    const names = exporter.getFinishedSpans().map((s) => s.name);
    expect(names).toEqual(['rampart.demo.inventory.v1.InventoryService/Reserve']);
  });
});
