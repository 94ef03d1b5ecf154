import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { Status } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type RampartApp } from '../src/index.js';
import { EchoService, PingService } from './fixtures/echo-service.js';
import { freePort, protoRoot, testConfigValues } from './fixtures/harness.js';
import { healthClient, listServicesByReflection } from './fixtures/raw-clients.js';
import { EchoServiceDescriptor } from './generated/index.js';
import { clientCredentials, PkiFixture } from './tls/pki-fixture.js';

// Issue 17, item 4: server.healthPort is a second, plaintext port serving grpc.health.v1 Check and Watch and
// nothing else, so the kubelet's native grpc probes work while the service port stays TLS/mTLS.

const apps: RampartApp[] = [];
let pki: PkiFixture;
beforeAll(async () => {
  pki = await PkiFixture.create();
});
afterAll(() => pki.cleanup());
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close({ graceMs: 100 });
});

async function start(server: Record<string, unknown>, tls = false): Promise<RampartApp> {
  const app = await createApp({
    name: 'health-port-test',
    services: [EchoService, PingService],
    protos: { root: protoRoot },
    config: {
      values: { ...testConfigValues, ...(tls ? { ...pki.values(), transport: { ...pki.values().transport, insecure: false } } : {}), server: { ...testConfigValues.server, ...server } },
      env: {},
    },
    handleSignals: false,
  });
  apps.push(app);
  return app;
}

describe('server.healthPort', () => {
  it('serves Check with the app status on its own plaintext port, and nothing else: app methods, reflection and List are UNIMPLEMENTED', async () => {
    const healthPort = await freePort();
    const app = await start({ healthPort });
    const listening = await app.listen();
    const address = `127.0.0.1:${healthPort}`;
    expect(listening.health).toEqual({ host: '127.0.0.1', port: healthPort, address });
    expect(app.healthAddress()).toBe(address);

    const health = healthClient(address);
    try {
      expect(await health.check('')).toBe('SERVING');
      expect(await health.check('rampart.test.v1.EchoService')).toBe('SERVING');
      await expect(health.list()).rejects.toMatchObject({ code: Status.UNIMPLEMENTED });
    } finally {
      health.close();
    }
    const echo = createClient(EchoServiceDescriptor, { address, protoRoot, credentials: credentials.createInsecure() });
    try {
      const err = await rampartErrorOf(echo.echo({ text: 'not here' }));
      expect(err.status).toBe(Status.UNIMPLEMENTED);
    } finally {
      closeClient(echo);
    }
    await expect(listServicesByReflection(address)).rejects.toMatchObject({ code: Status.UNIMPLEMENTED });

    // The service port still has all of it.
    const main = healthClient(listening.address);
    try {
      expect(Object.keys(await main.list())).toEqual(expect.arrayContaining(['', 'rampart.test.v1.EchoService']));
    } finally {
      main.close();
    }
  });

  it('answers plaintext probes without a certificate while the service port is TLS and refuses plaintext', async () => {
    const healthPort = await freePort();
    const app = await start({ healthPort }, true);
    const listening = await app.listen();
    expect(listening.secure).toBe(true);
    const probe = healthClient(app.healthAddress() as string);
    const plaintextToMain = healthClient(listening.address);
    const tlsToMain = healthClient(listening.address, clientCredentials(pki.ca.certPem));
    try {
      expect(await probe.check('')).toBe('SERVING');
      await expect(plaintextToMain.check('')).rejects.toMatchObject({ code: Status.UNAVAILABLE });
      expect(await tlsToMain.check('')).toBe('SERVING');
    } finally {
      probe.close();
      plaintextToMain.close();
      tlsToMain.close();
    }
  });

  it('is off by default', async () => {
    const app = await start({});
    const listening = await app.listen();
    expect(listening.health).toBeUndefined();
    expect(app.healthAddress()).toBeUndefined();
  });

  it('listens on server.healthHost when set, on server.host otherwise, IPv6 included', async (ctx) => {
    const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    if (!hasIpv6Loopback) ctx.skip();
    const healthPort = await freePort('::1');
    const app = await start({ host: '::1', healthPort });
    const listening = await app.listen();
    expect(listening.address).toMatch(/^\[::1\]:\d+$/);
    expect(app.healthAddress()).toBe(`[::1]:${healthPort}`);
    const probe = healthClient(`[::1]:${healthPort}`);
    const main = healthClient(listening.address);
    try {
      expect(await probe.check('')).toBe('SERVING');
      expect(await main.check('')).toBe('SERVING');
    } finally {
      probe.close();
      main.close();
    }

    const v4Port = await freePort();
    const split = await start({ host: '::1', healthHost: '127.0.0.1', healthPort: v4Port });
    await split.listen();
    expect(split.healthAddress()).toBe(`127.0.0.1:${v4Port}`);
  });

  it('the port of the service itself, or a port in use, stops start-up naming the key', async () => {
    await expect(start({ port: 50_999, healthPort: 50_999 })).rejects.toThrow(
      /^server\.healthPort is 50999, the port of the service itself.*Fix: set RAMPART_SERVER_HEALTH_PORT to another port/,
    );
    const first = await start({ healthPort: await freePort() });
    await first.listen();
    const taken = Number((first.healthAddress() as string).split(':')[1]);
    const second = await start({ healthPort: taken });
    await expect(second.listen()).rejects.toThrow(/^server\.healthPort: cannot listen on 127\.0\.0\.1:\d+: .*Fix: set RAMPART_SERVER_HEALTH_PORT to a free port/);
    expect(second.state).toBe('closed');
  });
});
