// The SDK's modules load only when the SDK starts (the plugin enabled, or startOtelSdk() called), and then from
// @opentelemetry/sdk-node's own sdk.js, without the package index's declarative-configuration code (ADR 0053).
// Vitest runs each test file in a process of its own, so Node's CommonJS cache shows what this file loaded.
import { rampartAuth } from '@rampart/auth';
import { TestIssuer, withBearer } from '@rampart/testing';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe } from './support/probe-app.js';

const require = createRequire(import.meta.url);
const loaded = (pkg: string): string[] => Object.keys(require.cache).filter((file) => file.includes(`/node_modules/${pkg}/`));

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'probe' });
});
afterAll(() => issuer?.stop());

describe('loading the OpenTelemetry SDK', () => {
  it('importing the plugin and running an app with OTEL_SDK_DISABLED=true loads no SDK module', async () => {
    const { rampartOtel } = await import('../src/index.js');
    const p = await startProbe(issuer, [rampartOtel(), rampartAuth()], { OTEL_SDK_DISABLED: 'true' });
    try {
      expect((await p.probe.whoAmI({ delayMs: 0 }, withBearer(await issuer.mint({ sub: 'erin' }, { scope: 'probe:read' })))).traceId).toBe('');
      expect(loaded('@opentelemetry/sdk-node')).toEqual([]);
      expect(loaded('@opentelemetry/sdk-trace-node')).toEqual([]);
      expect(loaded('@opentelemetry/exporter-trace-otlp-http')).toEqual([]);
    } finally {
      await p.t.close();
    }
  });

  it('starting it loads the NodeSDK from sdk-node/build/src/sdk.js, not @opentelemetry/configuration or yaml', async () => {
    const { startOtelSdk } = await import('../src/index.js');
    const sdk = await startOtelSdk({ serviceName: 'lazy-check', instrumentations: [] });
    try {
      expect(sdk.tracerProvider).toBeDefined();
      expect(loaded('@opentelemetry/sdk-node').map((file) => file.split('/sdk-node/')[1])).toContain('build/src/sdk.js');
      expect(loaded('@opentelemetry/configuration')).toEqual([]);
      expect(loaded('yaml')).toEqual([]);
    } finally {
      await sdk.shutdown(1_000);
    }
  });

  it("that sdk.js's NodeSDK is the class the package exports (guards the path across SDK updates)", async () => {
    const index = (await import('@opentelemetry/sdk-node')) as { NodeSDK: unknown };
    const own = (await import('@opentelemetry/sdk-node/build/src/sdk.js')) as { NodeSDK: unknown };
    expect(own.NodeSDK).toBe(index.NodeSDK);
  });
});
