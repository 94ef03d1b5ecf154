import { definePlugin, TOKENS, type Logger, type RampartPlugin } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { EchoService } from './fixtures/echo-service.js';
import { protoRoot, startEchoApp, testConfigValues } from './fixtures/harness.js';

describe('plugins', () => {
  it('a missing dependency stops start-up with a message that names it', async () => {
    const replay: RampartPlugin = { name: 'redis-replay', dependencies: ['rampart-auth'], register: () => undefined };
    const err = await rampartErrorOf(startEchoApp({ plugins: [replay] }));
    expect(err.code).toBe('ERR_PLUGIN_DEPENDENCY');
    expect(err.message).toContain('"redis-replay" depends on "rampart-auth"');
  });

  it('register in dependency order, bind into the container, add interceptors, contribute config and hook the lifecycle', async () => {
    const events: string[] = [];
    const GREETING = Symbol.for('test.greeting');
    const base = definePlugin({
      name: 'base',
      configSchema: { greeting: { doc: 'a greeting', format: String, default: 'hello', env: 'TEST_GREETING' } },
      register(ctx) {
        events.push('register:base');
        ctx.container.bind(GREETING).toConstantValue(ctx.config.get('greeting'));
        ctx.on('onInit', () => void events.push('init:base'));
        ctx.on('onReady', () => void events.push('ready:base'));
        ctx.on('onShutdown', () => void events.push('shutdown:base'));
        ctx.on('onClose', () => void events.push('close:base'));
      },
    });
    const dependent: RampartPlugin = {
      name: 'dependent',
      dependencies: ['base'],
      interceptors: [{ name: 'dependent' }],
      register(ctx) {
        events.push(`register:dependent:${ctx.container.get<string>(GREETING)}`);
        ctx.container.get<Logger>(TOKENS.Logger).debug('container has the logger');
        ctx.addInterceptor({ name: 'dependent', forMethod: () => ({ onStart: () => void events.push('call') }) });
        ctx.on('onReady', () => void events.push('ready:dependent'));
        ctx.on('onClose', () => void events.push('close:dependent'));
      },
    };
    const s = await startEchoApp({ plugins: [dependent, base] });
    await s.ping.ping({});
    await s.close();
    expect(events).toEqual([
      'register:base',
      'register:dependent:hello',
      'init:base',
      'ready:base',
      'ready:dependent',
      'call',
      'shutdown:base',
      'close:dependent',
      'close:base',
    ]);
  });

  it('a failing start-up hook names its plugin', async () => {
    const broken: RampartPlugin = {
      name: 'broken',
      register(ctx) {
        ctx.on('onInit', () => {
          throw new Error('cannot reach the vault');
        });
      },
    };
    await expect(startEchoApp({ plugins: [broken] })).rejects.toMatchObject({
      code: 'ERR_APP_STATE',
      message: 'broken: onInit hook failed: Error: cannot reach the vault',
    });
  });

  it('a failed listen() closes the app: onClose runs once, a later close() is a no-op, listen() cannot be retried', async () => {
    const events: string[] = [];
    const holder: RampartPlugin = {
      name: 'holder',
      register: (ctx) => {
        ctx.on('onShutdown', () => void events.push('shutdown'));
        ctx.on('onClose', () => void events.push('close'));
      },
    };
    const app = await createApp({
      name: 'fails-to-listen',
      services: [EchoService],
      protos: { root: protoRoot },
      plugins: [holder],
      // Production refuses plaintext: listen() fails after createApp succeeded.
      config: { values: testConfigValues, env: { NODE_ENV: 'production' } },
      handleSignals: false,
    });
    await expect(app.listen()).rejects.toMatchObject({ code: 'ERR_INSECURE_TRANSPORT' });
    expect(app.state).toBe('closed');
    expect(events).toEqual(['close']);
    await app.close();
    expect(events).toEqual(['close']);
    await expect(app.listen()).rejects.toMatchObject({ code: 'ERR_APP_STATE' });
  });

  it('a failed start lets the plugins that registered release what they hold (onClose runs)', async () => {
    const released: string[] = [];
    const holder: RampartPlugin = { name: 'holder', register: (ctx) => ctx.on('onClose', () => void released.push('holder')) };
    const broken: RampartPlugin = {
      name: 'broken-later',
      register() {
        throw new Error('cannot reach the vault');
      },
    };
    await expect(startEchoApp({ plugins: [holder, broken] })).rejects.toThrow(/cannot reach the vault/);
    expect(released).toEqual(['holder']);
  });
});
