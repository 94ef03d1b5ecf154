// The SDK configured by the standard OTEL_* variables, as @opentelemetry/sdk-node reads them: OTLP over
// http/protobuf and gRPC to a real receiver that decodes the protobuf, a Prometheus scrape endpoint, the console
// exporter, OTEL_PROPAGATORS.
import { rampartAuth } from '@rampart/auth';
import { freePort, withBearer, type ReceivedSpan } from '@rampart/testing';
import { describe, expect, it, vi } from 'vitest';
import { rampartOtel } from '../src/index.js';
import { startProbe, TRACE_METADATA } from './support/probe-app.js';
import { useIssuerAndReceiver } from './support/issuer-and-receiver.js';
import { withProcessEnv } from './support/process-env.js';

const WHO_AM_I = 'rampart.oteltest.v1.ProbeService/WhoAmI';
const world = useIssuerAndReceiver();

/** Starts the probe with the SDK configured by `env` (process environment and the app's config alike), calls it. */
async function callProbe(env: Record<string, string>, metadata: Record<string, string> = TRACE_METADATA): Promise<void> {
  await withProcessEnv(env, async () => {
    const p = await startProbe(world.issuer, [rampartOtel(), rampartAuth()], env);
    try {
      const token = await world.issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
      await p.probe.whoAmI({ delayMs: 0 }, withBearer(token, { metadata }));
      await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
    } finally {
      await p.t.close(); // flushes the exporters
    }
  });
}

const ofService = (service: string) => (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.service === service);

describe('OTLP', () => {
  it('http/protobuf (the default): the receiver decodes the server and client spans, stable attributes, auth decision, resource', async () => {
    await callProbe({ OTEL_EXPORTER_OTLP_ENDPOINT: world.receiver.httpEndpoint, OTEL_SERVICE_NAME: 'probe-http', OTEL_METRICS_EXPORTER: 'none' });
    const spans = ofService('probe-http')(await world.receiver.waitFor((all) => ofService('probe-http')(all).filter((s) => s.kind === 'SERVER').length >= 2));
    const exported = world.receiver.exports.filter((e) => e.transport === 'http' && e.path === '/v1/traces');
    expect(exported[0]?.contentType).toBe('application/x-protobuf');
    const server = spans.find((s) => s.kind === 'SERVER' && s.attributes['rpc.status_code'] === 'OK');
    expect(server).toMatchObject({
      name: WHO_AM_I,
      scope: '@rampart/telemetry',
      attributes: { 'rpc.system.name': 'grpc', 'rpc.method': WHO_AM_I, 'rpc.status_code': 'OK', 'rampart.auth.decision': 'allow' },
    });
    const client = spans.find((s) => s.spanId === server?.parentSpanId);
    expect(client).toMatchObject({ kind: 'CLIENT', name: WHO_AM_I, attributes: { 'server.address': '127.0.0.1', 'rpc.status_code': 'OK' } });
    expect(client?.traceId).toBe(TRACE_METADATA.traceparent.split('-')[1]);
    const denied = spans.find((s) => s.kind === 'SERVER' && s.attributes['rpc.status_code'] === 'UNAUTHENTICATED');
    expect(denied?.attributes['rampart.auth.reason']).toBe('ERR_TOKEN_MISSING');
    expect(denied?.status.code).toBe('UNSET'); // the caller's fault, not the server's
    expect(spans.find((s) => s.kind === 'CLIENT' && s.attributes['rpc.status_code'] === 'UNAUTHENTICATED')?.status.code).toBe('ERROR');
    expect(server?.resource).toMatchObject({ 'service.name': 'probe-http', 'telemetry.sdk.language': 'nodejs' });
    // only the calls' spans: nothing of Rampart's own making besides them
    expect(spans.filter((s) => s.scope === '@rampart/telemetry').map((s) => s.kind).sort()).toEqual(['CLIENT', 'CLIENT', 'SERVER', 'SERVER']);
  });

  it('grpc (OTEL_EXPORTER_OTLP_PROTOCOL=grpc): the same spans reach the receiver over gRPC', async () => {
    await callProbe({
      OTEL_EXPORTER_OTLP_ENDPOINT: world.receiver.grpcEndpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_SERVICE_NAME: 'probe-grpc',
      OTEL_METRICS_EXPORTER: 'none',
    });
    const spans = ofService('probe-grpc')(await world.receiver.waitFor((all) => ofService('probe-grpc')(all).some((s) => s.kind === 'SERVER')));
    expect(world.receiver.exports.some((e) => e.transport === 'grpc')).toBe(true);
    expect(spans.find((s) => s.kind === 'SERVER')?.attributes).toMatchObject({ 'rpc.method': WHO_AM_I, 'rpc.system.name': 'grpc' });
  });
});

describe('Prometheus (OTEL_METRICS_EXPORTER=prometheus)', () => {
  it('serves the RPC duration histograms and the auth decision counter on OTEL_EXPORTER_PROMETHEUS_HOST:PORT', async () => {
    const port = await freePort();
    const env = {
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
    };
    let scraped = '';
    await withProcessEnv(env, async () => {
      const p = await startProbe(world.issuer, [rampartOtel(), rampartAuth()], env);
      try {
        const token = await world.issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
        await p.probe.whoAmI({ delayMs: 0 }, withBearer(token));
        await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        scraped = await res.text();
      } finally {
        await p.t.close();
      }
    });
    expect(scraped).toContain('# UNIT rpc_server_call_duration s');
    const lines = scraped.split('\n');
    const count = (metric: string, ...labels: string[]) =>
      lines.find((l) => l.startsWith(`${metric}{`) && labels.every((label) => l.includes(label)))?.split(' ').at(-1);
    const method = `rpc_method="${WHO_AM_I}"`;
    expect(count('rpc_server_call_duration_count', method, 'rpc_status_code="OK"', 'rpc_system_name="grpc"')).toBe('1');
    expect(count('rpc_server_call_duration_count', method, 'rpc_status_code="UNAUTHENTICATED"')).toBe('1');
    expect(count('rpc_client_call_duration_count', method, 'rpc_status_code="OK"', 'server_address="127.0.0.1"')).toBe('1');
    expect(lines.some((l) => l.startsWith('rpc_server_call_duration_bucket{') && l.includes('le="0.005"'))).toBe(true);
    expect(count('rampart_auth_decisions_total', 'decision="deny"', 'reason="ERR_TOKEN_MISSING"')).toBe('1');
  });
});

describe('OTEL_TRACES_EXPORTER=console', () => {
  it('prints finished spans', async () => {
    const dir = vi.spyOn(console, 'dir').mockImplementation(() => undefined);
    try {
      await callProbe({ OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none' });
      const printed = dir.mock.calls.map(([span]) => span as { name?: string; kind?: number; attributes?: Record<string, unknown> });
      const span = printed.find((s) => s.name === WHO_AM_I && s.attributes?.['rampart.auth.decision'] === 'allow');
      expect(span?.attributes).toMatchObject({ 'rpc.status_code': 'OK' });
    } finally {
      dir.mockRestore();
    }
  });
});

describe('OTEL_PROPAGATORS', () => {
  it('b3multi: the client sends B3 headers and the server continues a B3 trace; a W3C traceparent is not read', async () => {
    const b3Trace = '80f198ee56343ba864fe8b2a57d3eff7';
    const env = { OTEL_PROPAGATORS: 'b3multi', OTEL_EXPORTER_OTLP_ENDPOINT: world.receiver.httpEndpoint, OTEL_SERVICE_NAME: 'probe-b3', OTEL_METRICS_EXPORTER: 'none' };
    await callProbe(env, { 'x-b3-traceid': b3Trace, 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-sampled': '1' });
    await callProbe({ ...env, OTEL_SERVICE_NAME: 'probe-b3-w3c' }, TRACE_METADATA);
    const b3 = ofService('probe-b3')(await world.receiver.waitFor((all) => ofService('probe-b3')(all).some((s) => s.kind === 'SERVER')));
    const server = b3.find((s) => s.kind === 'SERVER' && s.attributes['rpc.status_code'] === 'OK');
    expect(server?.traceId).toBe(b3Trace);
    expect(b3.find((s) => s.spanId === server?.parentSpanId)?.parentSpanId).toBe('e457b5a2e4d86bd1');
    const w3c = ofService('probe-b3-w3c')(await world.receiver.waitFor((all) => ofService('probe-b3-w3c')(all).some((s) => s.kind === 'SERVER')));
    expect(w3c.every((s) => s.traceId !== TRACE_METADATA.traceparent.split('-')[1])).toBe(true);
  });
});
