import { credentials } from '@grpc/grpc-js';
import { TestWorkloadApi } from '@rampart/spiffe/testing';
import { rampartErrorOf } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../../src/index.js';
import { PingService } from '../fixtures/echo-service.js';
import { protoRoot } from '../fixtures/harness.js';
import { healthClient } from '../fixtures/raw-clients.js';

// transport.source = workload-api: the server's certificate, key and trust bundles come from a SPIFFE Workload API
// (the test agent), and its health follows whether it can keep its certificate valid.
const VAULT = 'spiffe://test.rampart.dev/vault';

let app: RampartApp | undefined;
let agent: TestWorkloadApi | undefined;
afterEach(async () => {
  await app?.close({ graceMs: 100 });
  app = undefined;
  await agent?.close();
  agent = undefined;
});

function appOn(transport: Record<string, unknown>, env: Record<string, string> = {}): Promise<RampartApp> {
  return createApp({
    name: 'workload-api',
    services: [PingService],
    protos: { root: protoRoot },
    config: { values: { server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 200 }, log: { level: 'silent' }, transport }, env },
    handleSignals: false,
  });
}

/** Starts an app on `agent` and opens a health client to it, trusting the agent's CA (its SVID names no host). */
async function listeningOn(running: TestWorkloadApi): Promise<ReturnType<typeof healthClient>> {
  app = await appOn({ source: 'workload-api', workloadApi: { address: running.address } });
  const { port } = await app.listen();
  return healthClient(`127.0.0.1:${port}`, credentials.createSsl(Buffer.from(running.own.ca.certPem), null, null, { checkServerIdentity: () => undefined }));
}

describe('a server whose identity comes from the Workload API', () => {
  it('reports NOT_SERVING before its SVID expires while the agent is away, keeps serving it until then, and SERVING again once a new one arrives', async () => {
    // A 4 s SVID: the source turns unhealthy a quarter of its lifetime (1 s) before it expires while the agent is away.
    agent = await TestWorkloadApi.start({ identities: [{ spiffeId: VAULT }], svidLifetimeMs: 4_000 });
    const health = await listeningOn(agent);
    try {
      expect(await health.check('')).toBe('SERVING');
      const notAfter = agent.svids[0]!.notAfter.getTime();
      await agent.stop();
      await expect.poll(() => health.check(''), { timeout: 5_000, interval: 50 }).toBe('NOT_SERVING');
      expect(Date.now()).toBeLessThan(notAfter);
      await agent.start();
      await agent.rotate({ lifetimeMs: 60_000 });
      await expect.poll(() => health.check(''), { timeout: 10_000, interval: 50 }).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('reports NOT_SERVING before its SVID expires when the agent answers but sends no new one (cut off from its server)', async () => {
    agent = await TestWorkloadApi.start({ identities: [{ spiffeId: VAULT }], svidLifetimeMs: 4_000 });
    const health = await listeningOn(agent);
    try {
      const notAfter = agent.svids[0]!.notAfter.getTime();
      await expect.poll(() => health.check(''), { timeout: 5_000, interval: 50 }).toBe('NOT_SERVING');
      expect(Date.now()).toBeLessThan(notAfter);
      expect(agent.running).toBe(true);
      await agent.rotate({ lifetimeMs: 60_000 });
      await expect.poll(() => health.check(''), { timeout: 5_000, interval: 50 }).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('stops start-up when transport.tls files are set as well, naming both and the fix', async () => {
    app = await appOn({ source: 'workload-api', workloadApi: { address: 'unix:///nonexistent/agent.sock' }, tls: { certFile: 'tls.crt' } });
    const error = await rampartErrorOf(app.listen());
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(/^transport.source is workload-api but transport.tls.certFile, keyFile or caFile is set as well: choose one\. Fix: /);
  });

  it('stops start-up when transport.insecure is set as well, never serving plaintext instead of the SVID', async () => {
    // Both set (e.g. a dev overlay's RAMPART_TRANSPORT_INSECURE left beside RAMPART_TRANSPORT_SOURCE=workload-api): as
    // with transport.tls files, the contradiction stops start-up rather than silently dropping TLS.
    agent = await TestWorkloadApi.start({ identities: [{ spiffeId: VAULT }] });
    const error = await rampartErrorOf(
      (async () => {
        app = await appOn({ insecure: true, source: 'workload-api', workloadApi: { address: agent.address } });
        await app.listen();
      })(),
    );
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(/^transport\.insecure is set together with transport\.source=workload-api: choose one\. Fix: /);
  });

  it('stops start-up when no Workload API address is set, naming the settings to set', async () => {
    app = await appOn({ source: 'workload-api' });
    const error = await rampartErrorOf(app.listen());
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(/^transport\.workloadApi\.address is not set\. Fix: set SPIFFE_ENDPOINT_SOCKET \(or transport\.workloadApi\.address\)/);
  });

  it('takes the address from SPIFFE_ENDPOINT_SOCKET, and fails listen() naming the agent when no SVID arrives in time', async () => {
    app = await appOn({ source: 'workload-api', tls: { loadTimeoutMs: 300 } }, { SPIFFE_ENDPOINT_SOCKET: 'unix:///nonexistent/rampart-agent.sock' });
    const error = await rampartErrorOf(app.listen());
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toMatch(/^no certificate from the Workload API at unix:\/\/\/nonexistent\/rampart-agent\.sock/);
  });
});
