import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { EchoService, PingService } from './fixtures/echo-service.js';
import { protoRoot, startEchoApp, testConfigValues } from './fixtures/harness.js';
import { healthClient, listServicesByReflection } from './fixtures/raw-clients.js';

describe('health', () => {
  it('reports SERVING once listening, for the server and each service, and NOT_SERVING during shutdown', async () => {
    let seenDuringShutdown: string | undefined;
    let address = '';
    const s = await startEchoApp({
      plugins: [
        {
          name: 'shutdown-observer',
          register(ctx) {
            ctx.on('onShutdown', async () => {
              const probe = healthClient(address);
              seenDuringShutdown = await probe.check('');
              probe.close();
            });
          },
        },
      ],
    });
    address = s.address;
    const health = healthClient(s.address);
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check('rampart.test.v1.EchoService')).toBe('SERVING');
    expect(await health.check('rampart.test.v1.PingService')).toBe('SERVING');
    await expect(health.check('no.such.Service')).rejects.toMatchObject({ code: 5 });
    health.close();
    await s.close();
    expect(seenDuringShutdown).toBe('NOT_SERVING');
    expect(s.app.state).toBe('closed');
  });
});

describe('reflection', () => {
  it('lists the app services, so grpcurl-style tools work', async () => {
    const s = await startEchoApp();
    try {
      const names = await listServicesByReflection(s.address);
      expect(names).toEqual(expect.arrayContaining(['rampart.test.v1.EchoService', 'rampart.test.v1.PingService']));
    } finally {
      await s.close();
    }
  });

  it('is off when server.reflection is false', async () => {
    const app = await createApp({
      name: 'no-reflection',
      services: [EchoService, PingService],
      protos: { root: protoRoot },
      config: { values: { ...testConfigValues, server: { ...testConfigValues.server, reflection: false } }, env: {} },
      handleSignals: false,
    });
    const { address } = await app.listen();
    try {
      await expect(listServicesByReflection(address)).rejects.toMatchObject({ code: 12 });
    } finally {
      await app.close();
    }
  });
});
