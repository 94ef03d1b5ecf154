// What the OpenTelemetry Operator injects into a pod starts an app cleanly (config validation included, which used to
// refuse OTEL_METRICS_EXPORTER=prometheus), and the SDK follows it; a wrong value stops start-up naming the setting.
import { rampartAuth } from '@rampart/auth';
import { freePort, withBearer } from '@rampart/testing';
import { describe, expect, it } from 'vitest';
import { rampartOtel } from '../src/index.js';
import { startProbe, TRACE_ID, TRACE_METADATA } from './support/probe-app.js';
import { useIssuerAndReceiver } from './support/issuer-and-receiver.js';
import { withProcessEnv } from './support/process-env.js';
import { startFailure } from './support/start-failure.js';

const world = useIssuerAndReceiver();

describe('the OpenTelemetry Operator environment', () => {
  it('starts the app, traces by it (resource, sampler, propagators) and serves the Prometheus scrape', async () => {
    const port = await freePort();
    const env = {
      OTEL_SERVICE_NAME: 'probe-op',
      OTEL_EXPORTER_OTLP_ENDPOINT: world.receiver.httpEndpoint,
      OTEL_RESOURCE_ATTRIBUTES_POD_NAME: 'probe-7d9f8-x2x4k',
      OTEL_RESOURCE_ATTRIBUTES_NODE_NAME: 'node-1',
      OTEL_RESOURCE_ATTRIBUTES:
        'k8s.container.name=probe,k8s.deployment.name=probe,k8s.namespace.name=shop,k8s.node.name=node-1,k8s.pod.name=probe-7d9f8-x2x4k,service.version=1.4.2',
      OTEL_PROPAGATORS: 'tracecontext,baggage',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    };
    let scrape = 0;
    await withProcessEnv(env, async () => {
      const p = await startProbe(world.issuer, [rampartOtel(), rampartAuth()], env);
      try {
        const token = await world.issuer.mint({ sub: 'alice' }, { scope: 'probe:read' });
        const reply = await p.probe.whoAmI({ delayMs: 0 }, withBearer(token, { metadata: TRACE_METADATA }));
        expect(reply).toMatchObject({ traceId: TRACE_ID, baggageTenant: 'acme' });
        scrape = (await fetch(`http://127.0.0.1:${port}/metrics`)).status;
      } finally {
        await p.t.close();
      }
    });
    expect(scrape).toBe(200);
    const spans = await world.receiver.waitFor((all) => all.some((s) => s.service === 'probe-op' && s.kind === 'SERVER'));
    const server = spans.find((s) => s.service === 'probe-op' && s.kind === 'SERVER');
    expect(server?.traceId).toBe(TRACE_ID);
    expect(server?.resource).toMatchObject({
      'service.name': 'probe-op',
      'service.version': '1.4.2',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'probe-7d9f8-x2x4k',
    });
  });

  it('without OTEL_SERVICE_NAME, service.name in OTEL_RESOURCE_ATTRIBUTES wins over the app name', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: world.receiver.httpEndpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.name=probe-from-resource', OTEL_METRICS_EXPORTER: 'none' };
    await withProcessEnv(env, async () => {
      const p = await startProbe(world.issuer, [rampartOtel(), rampartAuth()], env);
      await p.probe.whoAmI({ delayMs: 0 }).catch(() => undefined);
      await p.t.close();
    });
    await world.receiver.waitFor((all) => all.some((s) => s.service === 'probe-from-resource'));
  });
});

describe('start-up checks', () => {
  it('an unknown exporter stops start-up naming the setting and the value', async () => {
    const env = { OTEL_TRACES_EXPORTER: 'otlp,jaegr' };
    const err = await withProcessEnv(env, () => startFailure(startProbe(world.issuer, [rampartOtel(), rampartAuth()], env)));
    expect(err.message).toContain('otel.traces.exporter');
    expect(err.message).toContain('"jaegr"');
    expect(err.message).toContain('OTEL_TRACES_EXPORTER');
  });

  it('xray is a propagator the Node SDK does not have: refused, naming what it has', async () => {
    const env = { OTEL_PROPAGATORS: 'tracecontext,xray' };
    const err = await withProcessEnv(env, () => startFailure(startProbe(world.issuer, [rampartOtel(), rampartAuth()], env)));
    expect(err.message).toContain('otel.propagators');
    expect(err.message).toContain('tracecontext, baggage, b3, b3multi, jaeger, none');
  });

  it('a value the SDK would not see (config, not the process environment) stops start-up saying where to set it', async () => {
    const err = await startFailure(startProbe(world.issuer, [rampartOtel(), rampartAuth()], { OTEL_METRICS_EXPORTER: 'prometheus' }));
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toContain('otel.metrics.exporter is "prometheus"');
    expect(err.message).toContain('set OTEL_METRICS_EXPORTER in the environment');
  });
});
