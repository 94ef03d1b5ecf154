import { authDecisionDecorator, GrpcMethod, GrpcService, Public, RampartError, type CallContext } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { createApp, type CreateAppOptions, type ServiceClass } from '../src/index.js';
import { EchoService } from './fixtures/echo-service.js';
import { protoRoot, testConfigValues } from './fixtures/harness.js';

const create = (services: ServiceClass[], extra: Partial<CreateAppOptions> = {}) =>
  createApp({
    name: 'startup-test',
    services,
    protos: { root: protoRoot },
    config: { values: testConfigValues, env: {} },
    handleSignals: false,
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<RampartError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RampartError);
    return error as RampartError;
  }
  throw new Error('expected createApp to fail');
}

@GrpcService('rampart.test.v1.EchoService')
class Undecided {
  echo(): Promise<object> {
    return Promise.resolve({});
  }
  async *count(): AsyncIterable<object> {}
  @Public()
  collect(): Promise<object> {
    return Promise.resolve({});
  }
  async *chat(): AsyncIterable<object> {}
}

describe('start-up checks', () => {
  it('default deny: refuses to start and names every method without an auth decision', async () => {
    const err = await failure(create([Undecided]));
    expect(err.code).toBe('ERR_NO_AUTH_DECISION');
    expect(err.message).toContain('Undecided.echo (rpc /rampart.test.v1.EchoService/Echo) has no auth decision');
    expect(err.message).toContain('Undecided.count');
    expect(err.message).toContain('Undecided.chat');
    expect(err.message).not.toContain('Undecided.collect');
  });

  it('refuses a decision kind that no interceptor enforces (a decorator is never silently ignored)', async () => {
    const RequireTenant = () => authDecisionDecorator({ kind: 'tenant', options: {} });
    @GrpcService('rampart.test.v1.PingService')
    @RequireTenant()
    class TenantPing {
      ping(): Promise<object> {
        return Promise.resolve({ ok: true });
      }
    }
    const err = await failure(create([TenantPing]));
    expect(err.code).toBe('ERR_UNENFORCED_DECISION');
    expect(err.message).toContain('TenantPing.ping requires "tenant", which no installed interceptor enforces');
    // With an interceptor that enforces it, the app starts.
    const app = await create([TenantPing], { interceptors: [{ name: 'tenant', enforces: ['tenant'], forMethod: () => undefined }] });
    expect(app.authMatrix().map((e) => e.decisions.map((d) => d.kind))).toEqual([['tenant']]);
  });

  it('names a missing handler', async () => {
    @GrpcService('rampart.test.v1.EchoService')
    @Public()
    class Partial {
      echo(): Promise<object> {
        return Promise.resolve({});
      }
    }
    const err = await failure(create([Partial]));
    expect(err.message).toContain('Partial.count is missing: rpc Count of rampart.test.v1.EchoService has no handler');
  });

  it('names a service that is not in the protos, and a class without @GrpcService', async () => {
    @GrpcService('rampart.test.v1.NoSuchService')
    @Public()
    class Ghost {}
    const ghost = await failure(create([Ghost]));
    expect(ghost.message).toContain('service rampart.test.v1.NoSuchService is not declared');
    expect(ghost.message).toContain('rampart.test.v1.EchoService');
    class Plain {}
    const plain = await failure(create([Plain]));
    expect(plain.message).toContain('class Plain has no @GrpcService(...) decorator');
  });

  it('maps an RPC to a differently named method with @GrpcMethod', async () => {
    @GrpcService('rampart.test.v1.PingService')
    @Public()
    class Renamed {
      @GrpcMethod('Ping')
      areYouThere(_req: object, _ctx: CallContext): Promise<object> {
        return Promise.resolve({ ok: true });
      }
    }
    const app = await create([Renamed]);
    expect(app.authMatrix()[0]?.handler).toBe('Renamed.areYouThere');
  });

  it('refuses plaintext when NODE_ENV=production', async () => {
    const app = await createApp({
      name: 'prod',
      services: [EchoService],
      protos: { root: protoRoot },
      config: { values: testConfigValues, env: { NODE_ENV: 'production' } },
      handleSignals: false,
    });
    const err = await failure(app.listen());
    expect(err.code).toBe('ERR_INSECURE_TRANSPORT');
    expect(app.state).toBe('closed');
  });

  it('refuses to start without TLS unless plaintext is asked for explicitly', async () => {
    const app = await createApp({
      name: 'no-tls',
      services: [EchoService],
      protos: { root: protoRoot },
      config: { values: { ...testConfigValues, transport: { insecure: false } }, env: {} },
      handleSignals: false,
    });
    const err = await failure(app.listen());
    expect(err.message).toContain('no TLS configured');
  });

  it('lists every method in the auth matrix', async () => {
    const app = await create([EchoService]);
    expect(app.authMatrix().map((e) => [e.method, e.kind, e.decisions.map((d) => d.kind)])).toEqual([
      ['Echo', 'unary', ['public']],
      ['Count', 'serverStream', ['public']],
      ['Tally', 'serverStream', ['public']],
      ['Collect', 'clientStream', ['public']],
      ['Chat', 'bidi', ['public']],
    ]);
  });
});
