import { Status, type Logger } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { EchoService, PingService } from '../fixtures/echo-service.js';
import { protoRoot, testConfigValues } from '../fixtures/harness.js';
import { healthClient, listServicesByReflection } from '../fixtures/raw-clients.js';
import { clientCredentials, PkiFixture, TRUST_DOMAIN } from './pki-fixture.js';

// Issue 16, item 12: health stays public; reflection can require mTLS (server.reflectionRequireMtls) and an allow
// list of SPIFFE IDs (server.reflectionAllow). A real TLS server with an ephemeral CA; the refusals come before the
// reflection handler (no reflection message reaches the client) and are logged with their reason.

const OPS = `spiffe://${TRUST_DOMAIN}/ops`;
const ORDERS = `spiffe://${TRUST_DOMAIN}/orders`;
const REFLECTION = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';
const SERVICES = ['rampart.test.v1.EchoService', 'rampart.test.v1.PingService'];

let pki: PkiFixture;
let certs: Record<'ops' | 'orders' | 'noSpiffe', { certPem: string; keyPem: string }>;
const lines: Record<string, unknown>[] = [];
const logger: Logger = createLogger({ name: 'reflection-test', level: 'debug', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
const apps: RampartApp[] = [];

async function start(server: Record<string, unknown>): Promise<string> {
  const app = await createApp({
    name: 'reflection-test',
    services: [EchoService, PingService],
    protos: { root: protoRoot },
    config: { values: { ...testConfigValues, ...pki.values(), server: { ...testConfigValues.server, ...server } }, env: {} },
    logger,
    handleSignals: false,
  });
  apps.push(app);
  const { port } = await app.listen();
  return `127.0.0.1:${port}`;
}

const as = (who?: keyof typeof certs) => clientCredentials(pki.ca.certPem, who === undefined ? undefined : certs[who]);
const refusals = () => lines.filter((l) => l.msg === 'reflection call refused');
const failure = (p: Promise<unknown>): Promise<{ code: number; details: string }> =>
  p.then(
    () => {
      throw new Error('reflection answered');
    },
    (e: { code: number; details: string }) => ({ code: e.code, details: e.details }),
  );

beforeAll(async () => {
  pki = await PkiFixture.create();
  certs = {
    ops: await pki.client({ spiffeId: OPS }),
    orders: await pki.client({ spiffeId: ORDERS }),
    noSpiffe: await pki.client({ dnsNames: ['tool.internal'] }),
  };
});
afterAll(async () => {
  for (const app of apps) await app.close({ graceMs: 100 });
  pki.cleanup();
});
beforeEach(() => void lines.splice(0));

describe('reflection over TLS', () => {
  it('by default answers any TLS client, with or without a certificate', async () => {
    const address = await start({});
    expect(await listServicesByReflection(address, as())).toEqual(expect.arrayContaining(SERVICES));
    expect(refusals()).toEqual([]);
  });

  it('with reflectionRequireMtls: no certificate → UNAUTHENTICATED, logged; a workload certificate → the services; health stays public', async () => {
    const address = await start({ reflectionRequireMtls: true });
    expect(await failure(listServicesByReflection(address, as()))).toEqual({ code: Status.UNAUTHENTICATED, details: 'client certificate required' });
    expect(refusals()).toEqual([
      expect.objectContaining({ level: 40, method: REFLECTION, reason: 'no verified client certificate', status: Status.UNAUTHENTICATED }),
    ]);
    lines.splice(0);
    expect(await failure(listServicesByReflection(address, as('noSpiffe')))).toEqual({ code: Status.UNAUTHENTICATED, details: 'client certificate required' });
    expect(refusals()).toEqual([expect.objectContaining({ reason: 'the client certificate has no SPIFFE ID' })]);
    expect(await listServicesByReflection(address, as('orders'))).toEqual(expect.arrayContaining(SERVICES));
    const health = healthClient(address, as());
    expect(await health.check('')).toBe('SERVING');
    health.close();
  });

  it('with reflectionAllow: only the listed SPIFFE IDs; another workload → PERMISSION_DENIED, logged with its ID', async () => {
    const address = await start({ reflectionAllow: [OPS] });
    expect(await listServicesByReflection(address, as('ops'))).toEqual(expect.arrayContaining(SERVICES));
    expect(await failure(listServicesByReflection(address, as('orders')))).toEqual({ code: Status.PERMISSION_DENIED, details: 'peer not allowed' });
    expect(await failure(listServicesByReflection(address, as()))).toEqual({ code: Status.UNAUTHENTICATED, details: 'client certificate required' });
    expect(refusals()).toEqual([
      expect.objectContaining({ method: REFLECTION, peer: ORDERS, reason: `${ORDERS} is not in server.reflectionAllow`, status: Status.PERMISSION_DENIED }),
      expect.objectContaining({ method: REFLECTION, reason: 'no verified client certificate', status: Status.UNAUTHENTICATED }),
    ]);
  });

  it('an allow entry that is not a SPIFFE ID stops start-up naming the key', async () => {
    await expect(start({ reflectionAllow: ['ops'] })).rejects.toThrow(/^server\.reflectionAllow: invalid SPIFFE ID "ops": .* Fix: list workload SPIFFE IDs/);
  });
});
