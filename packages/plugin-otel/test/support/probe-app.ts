import { rampartAuth } from '@rampart/auth';
import type { Logger, RampartPlugin } from '@rampart/core';
import { startTestApp, type TestApp, type TestIssuer } from '@rampart/testing';
import { fileURLToPath } from 'node:url';
import { ProbeServiceDescriptor, type ProbeServiceClient } from '../generated/index.js';
import { ProbeService } from './probe-service.js';

const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

/** A probe app and a client to it. */
export interface Probe {
  readonly t: TestApp;
  readonly probe: ProbeServiceClient;
}

/** Starts the probe service with the given plugins (default: none besides rampart-auth). */
export async function startProbe(
  issuer: TestIssuer,
  plugins: readonly RampartPlugin[],
  env: Record<string, string> = {},
  logger?: Logger,
): Promise<Probe> {
  const t = await startTestApp({
    ...(logger ? { logger } : {}),
    name: 'probe',
    services: [ProbeService],
    protos: { root: protoRoot },
    plugins: plugins.length > 0 ? plugins : [rampartAuth()],
    values: { auth: { tokens: { issuer: issuer.url, audience: 'probe' } } },
    env,
  });
  return { t, probe: await t.client(ProbeServiceDescriptor, { as: '/orders' }) };
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const PARENT_SPAN_ID = '00f067aa0ba902b7';
/** Call metadata carrying a W3C trace context and a baggage entry. */
export const TRACE_METADATA = { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`, baggage: 'tenant=acme' };
