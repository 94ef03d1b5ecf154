// The plugin registers the SDK so Rampart's spans (with the auth decision), the auth decision counter and the RPC
// duration histogram are exported; trace context reaches the handler; close flushes and unregisters.
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { rampartAuth } from '@rampart/auth';
import { RampartError, Status } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTEL_TOKENS, rampartOtel } from '../src/index.js';
import { PARENT_SPAN_ID, startProbe, TRACE_ID, TRACE_METADATA, type Probe } from './support/probe-app.js';
import { startFailure } from './support/start-failure.js';
import { TestMetricReader } from './support/test-metric-reader.js';

const SPAN_NAME = 'rampart.oteltest.v1.ProbeService/WhoAmI';
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'probe' });
});
afterAll(() => issuer?.stop());

describe('with in-memory exporters', () => {
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  let p: Probe;
  beforeAll(async () => {
    p = await startProbe(issuer, [rampartOtel({ spanExporter: spans, metricReader: reader }), rampartAuth()]);
  });
  afterAll(() => p?.t.close());

  const lastSpan = (): ReadableSpan => {
    const finished = spans.getFinishedSpans().filter((s) => s.name === SPAN_NAME && s.kind === SpanKind.SERVER);
    expect(finished.length).toBeGreaterThan(0);
    return finished.at(-1)!;
  };

  it('an allowed call: a SERVER span with the auth decision attributes and event, child of the client span that continues the caller trace, active in the handler', async () => {
    spans.reset();
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
    const reply = await p.probe.whoAmI({ delayMs: 10 }, withBearer(token, { metadata: TRACE_METADATA }));
    const span = lastSpan();
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    // caller's traceparent → the client's CLIENT span → this SERVER span
    const client = spans.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.spanContext().spanId === span.parentSpanContext?.spanId);
    expect(client?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(reply).toEqual({ subject: 'alice', traceId: TRACE_ID, spanId: span.spanContext().spanId, baggageTenant: 'acme' });
    expect(span.attributes).toMatchObject({
      'rpc.system.name': 'grpc',
      'rpc.method': SPAN_NAME,
      'rpc.status_code': 'OK',
      'rampart.auth.decision': 'allow',
      'rampart.auth.reason': 'ok',
      'rampart.auth.subject': 'alice',
    });
    const event = span.events.find((e) => e.name === 'rampart.auth.decision');
    expect(event?.attributes).toMatchObject({ 'rampart.auth.decision': 'allow', 'rampart.auth.reason': 'ok' });
    expect(span.resource.attributes['service.name']).toBe('probe');
  });

  it('a refused call: the span says deny, why, and the status', async () => {
    spans.reset();
    const err = await p.probe.whoAmI({ delayMs: 0 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RampartError);
    if (!(err instanceof RampartError)) return;
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    const span = lastSpan();
    expect(span.attributes).toMatchObject({
      'rampart.auth.decision': 'deny',
      'rampart.auth.reason': 'ERR_TOKEN_MISSING',
      'rpc.status_code': 'UNAUTHENTICATED',
    });
    expect(span.events.map((e) => e.name)).toContain('rampart.auth.decision');
  });

  it('metrics: rampart.auth.decisions by decision and reason, and rpc.server.call.duration by status', async () => {
    const token = await issuer.mint({ sub: 'bob' }, { scope: 'probe:read' });
    await p.probe.whoAmI({ delayMs: 0 }, withBearer(token));
    await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
    const decisions = await reader.points<number>('rampart.auth.decisions');
    const count = (decision: string, reason: string) =>
      decisions.find((d) => d.attributes.decision === decision && d.attributes.reason === reason)?.value ?? 0;
    expect(count('allow', 'ok')).toBeGreaterThanOrEqual(2);
    expect(count('deny', 'ERR_TOKEN_MISSING')).toBeGreaterThanOrEqual(2);
    const durations = await reader.points<Histogram>('rpc.server.call.duration');
    const byStatus = (code: string) => durations.find((d) => d.attributes['rpc.status_code'] === code)?.value;
    expect(byStatus('OK')?.count).toBeGreaterThanOrEqual(2);
    expect(byStatus('UNAUTHENTICATED')?.count).toBeGreaterThanOrEqual(2);
    expect(durations[0]?.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.method': SPAN_NAME });
  });

  it('binds the SDK providers in the container', () => {
    expect(p.t.app.container.isBound(OTEL_TOKENS.TracerProvider)).toBe(true);
    expect(p.t.app.container.isBound(OTEL_TOKENS.MeterProvider)).toBe(true);
  });
});

describe('registration rules', () => {
  it('close unregisters the SDK, so a later app (or another SDK) can register', async () => {
    const spans = new InMemorySpanExporter();
    const p = await startProbe(issuer, [rampartOtel({ spanExporter: spans, metricReader: new TestMetricReader() }), rampartAuth()]);
    const token = await issuer.mint({ sub: 'carol' }, { scope: 'probe:read' });
    await p.probe.whoAmI({ delayMs: 0 }, withBearer(token));
    // (read before close: shutting the SDK down also shuts the in-memory exporter, which forgets its spans)
    expect(spans.getFinishedSpans().map((s) => s.name)).toContain(SPAN_NAME);
    await p.t.close();
    const other = new BasicTracerProvider();
    expect(trace.setGlobalTracerProvider(other)).toBe(true);
    trace.disable();
  });

  it('listed after rampart-auth, the auth decisions and RPC durations still reach the SDK (the order of the two does not matter)', async () => {
    const reader = new TestMetricReader();
    const p = await startProbe(issuer, [rampartAuth(), rampartOtel({ spanExporter: new InMemorySpanExporter(), metricReader: reader })]);
    try {
      await p.probe.whoAmI({ delayMs: 0 }, withBearer(await issuer.mint({ sub: 'dave' }, { scope: 'probe:read' })));
      const decisions = await reader.points<number>('rampart.auth.decisions');
      expect(decisions.find((d) => d.attributes.decision === 'allow')?.value).toBe(1);
      expect((await reader.points<Histogram>('rpc.server.call.duration')).map((d) => d.attributes['rpc.status_code'])).toEqual(['OK']);
    } finally {
      await p.t.close();
    }
  });

  it('with another SDK already registered, start-up stops naming it and leaves nothing of its own registered', async () => {
    expect(trace.setGlobalTracerProvider(new BasicTracerProvider())).toBe(true);
    try {
      const err = await startFailure(startProbe(issuer, [rampartOtel({ spanExporter: new InMemorySpanExporter() }), rampartAuth()]));
      expect(err.code).toBe('ERR_PLUGIN_INVALID');
      expect(err.message).toContain('a global OpenTelemetry tracer provider is already registered');
    } finally {
      trace.disable();
    }
    const manager = new AsyncLocalStorageContextManager();
    expect(context.setGlobalContextManager(manager)).toBe(true);
    context.disable();
    expect(propagation.fields()).toEqual([]);
  });

  it('OTEL_SDK_DISABLED=true registers nothing; the app works', async () => {
    const p = await startProbe(issuer, [rampartOtel(), rampartAuth()], { OTEL_SDK_DISABLED: 'true' });
    try {
      const token = await issuer.mint({ sub: 'dave' }, { scope: 'probe:read' });
      expect((await p.probe.whoAmI({ delayMs: 0 }, withBearer(token, { metadata: TRACE_METADATA }))).traceId).toBe('');
      expect(p.t.app.container.isBound(OTEL_TOKENS.TracerProvider)).toBe(false);
    } finally {
      await p.t.close();
    }
  });
});

describe('log lines inside a call', () => {
  it("the auth audit line and the handler's span share the call's trace and span id", async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'probe', level: 'debug', destination: { write: (line: string) => lines.push(line) } });
    const spans = new InMemorySpanExporter();
    const p = await startProbe(issuer, [rampartOtel({ spanExporter: spans, metricReader: new TestMetricReader() }), rampartAuth()], {}, logger);
    let servers: ReadableSpan[] = [];
    try {
      const token = await issuer.mint({ sub: 'erin' }, { scope: 'probe:read' });
      await p.probe.whoAmI({ delayMs: 0 }, withBearer(token));
      await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
      // (read before close: shutting the SDK down also shuts the in-memory exporter)
      servers = spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    } finally {
      await p.t.close();
    }
    const audits = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit !== undefined);
    expect(audits.map((a) => (a.audit as { decision: string }).decision)).toEqual(['allow', 'deny']);
    audits.forEach((audit, i) => {
      expect(audit).toMatchObject({ trace_id: servers[i]?.spanContext().traceId, span_id: servers[i]?.spanContext().spanId, trace_flags: '01' });
    });
  });
});
