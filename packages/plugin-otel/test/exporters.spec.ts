// Exporters chosen by config and the standard OTEL_* variables: OTLP (http/protobuf) to a collector on loopback,
// flushed when the app closes; the console exporter for development.
import { rampartAuth } from '@rampart/auth';
import { TestIssuer, withBearer } from '@rampart/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rampartOtel } from '../src/index.js';
import { startProbe, TRACE_METADATA } from './support/probe-app.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'probe' });
});
afterAll(() => issuer?.stop());

interface Export {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

describe('OTLP, configured by OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const received: Export[] = [];
  let collector: Server;
  const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    collector.closeAllConnections();
    await new Promise((resolve) => collector.close(resolve));
  });

  it('sends spans (with the auth decision) and metrics to the collector, flushed on close', async () => {
    const p = await startProbe(issuer, [rampartOtel(), rampartAuth()], { OTEL_SERVICE_NAME: 'probe-svc' });
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
    await p.probe.whoAmI({ delayMs: 0 }, withBearer(token, { metadata: TRACE_METADATA }));
    await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
    await p.t.close();

    const traces = received.filter((r) => r.path === '/v1/traces');
    const metrics = received.filter((r) => r.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    expect(traces[0]?.contentType).toBe('application/x-protobuf');
    const spanBytes = Buffer.concat(traces.map((t) => t.body));
    for (const text of ['rampart.oteltest.v1.ProbeService/WhoAmI', 'rampart.auth.decision', 'ERR_TOKEN_MISSING', 'probe-svc']) {
      expect(spanBytes.includes(text), text).toBe(true);
    }
    const metricBytes = Buffer.concat(metrics.map((m) => m.body));
    for (const text of ['rampart.auth.decisions', 'rpc.server.call.duration', 'probe-svc']) {
      expect(metricBytes.includes(text), text).toBe(true);
    }
  });
});

describe('the console exporter (OTEL_TRACES_EXPORTER=console)', () => {
  it('prints finished spans', async () => {
    const dir = vi.spyOn(console, 'dir').mockImplementation(() => undefined);
    try {
      const p = await startProbe(issuer, [rampartOtel(), rampartAuth()], { OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none' });
      const token = await issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
      await p.probe.whoAmI({ delayMs: 0 }, withBearer(token));
      await p.t.close();
      const printed = dir.mock.calls.map(([span]) => span as { name?: string; attributes?: Record<string, unknown> });
      const span = printed.find((s) => s.name === 'rampart.oteltest.v1.ProbeService/WhoAmI');
      expect(span?.attributes).toMatchObject({ 'rampart.auth.decision': 'allow' });
    } finally {
      dir.mockRestore();
    }
  });
});
