import { GrpcService, Public, type MethodPlan, type RampartPlugin } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import { createApp, planApp, type CreateAppOptions } from '../src/index.js';
import { EchoService, PingService } from './fixtures/echo-service.js';
import { protoRoot, testConfigValues } from './fixtures/harness.js';
import { PingServiceDescriptor } from './generated/index.js';

/** A descriptor of a service the test protos do not declare. */
const NO_SUCH_SERVICE: typeof PingServiceDescriptor = { ...PingServiceDescriptor, typeName: 'rampart.test.v1.NoSuchService' };

/** A plugin whose register step must never run during planning: it would throw. */
function explosivePlugin(registered: string[]): RampartPlugin {
  return {
    name: 'streams-only',
    configSchema: { streamsOnly: { limit: { doc: 'a limit', format: 'nat', default: 3, env: 'TEST_STREAMS_ONLY_LIMIT' } } },
    // Runs for the streaming methods only.
    interceptors: [{ name: 'streams-only', appliesTo: (plan: MethodPlan) => plan.method.kind !== 'unary' }],
    register(ctx) {
      registered.push('streams-only');
      ctx.addInterceptor({ name: 'streams-only', forMethod: () => ({ onStart: () => undefined }) });
    },
  };
}

const base = { name: 'plan-test', services: [EchoService, PingService], protos: { root: protoRoot } };
const create = (extra: Partial<CreateAppOptions>) =>
  createApp({ ...base, config: { values: testConfigValues, env: {} }, handleSignals: false, ...extra });

describe('planApp: the app planned without side effects', () => {
  it("tells each interceptor the method's schema: message type names, the proto files, and the method's serializers", () => {
    const plans: MethodPlan[] = [];
    planApp({ ...base, interceptors: [{ name: 'schema', appliesTo: (plan) => plans.push(plan) > 0, forMethod: () => undefined }] });
    const count = plans.find((p) => p.method.name === 'Count');
    expect(count?.schema).toMatchObject({
      requestType: 'rampart.test.v1.CountRequest',
      responseType: 'rampart.test.v1.EchoResponse',
      protos: { root: protoRoot, includeDirs: [], files: expect.arrayContaining(['rampart/test/v1/echo.proto']) },
    });
    expect(plans.find((p) => p.method.name === 'Ping')?.schema.requestType).toBe('rampart.test.v1.PingRequest');
    // The request serializer is the method's own: what a client would send (field 1 "hi", protobuf-encoded).
    const echo = plans.find((p) => p.method.name === 'Echo');
    expect(Buffer.from(echo!.schema.serializeRequest({ text: 'hi' })).toString('hex')).toBe('0a026869');
  });

  it('plans methods, interceptors and the config schema without running register, and createApp uses the same plan', async () => {
    const registered: string[] = [];
    const plugins = [explosivePlugin(registered)];
    const plan = planApp({ ...base, plugins, interceptors: [{ name: 'everywhere', forMethod: () => undefined }] });
    expect(registered).toEqual([]);
    expect(plan.problems).toEqual([]);
    expect(plan.interceptors.map((i) => i.name)).toEqual(['everywhere', 'streams-only']);
    expect(Object.keys(plan.configSchema)).toEqual(expect.arrayContaining(['server', 'transport', 'streamsOnly']));
    const byPath = Object.fromEntries(plan.authMatrix().map((m) => [m.path, m.interceptors]));
    expect(byPath['/rampart.test.v1.EchoService/Echo']).toEqual(['everywhere']);
    expect(byPath['/rampart.test.v1.EchoService/Chat']).toEqual(['everywhere', 'streams-only']);
    expect(byPath['/rampart.test.v1.PingService/Ping']).toEqual(['everywhere']);

    const app = await create({ plugins: [explosivePlugin(registered)], interceptors: [{ name: 'everywhere', forMethod: () => undefined }] });
    expect(registered).toEqual(['streams-only']);
    expect(app.authMatrix()).toEqual(plan.authMatrix());
    await app.close();
  });

  it('collects the start-up problems instead of throwing, and createApp refuses with the same list', async () => {
    @GrpcService(PingServiceDescriptor)
    class Undecided {
      ping(): Promise<object> {
        return Promise.resolve({});
      }
    }
    @GrpcService(NO_SUCH_SERVICE)
    @Public()
    class Unknown {
      ping(): Promise<object> {
        return Promise.resolve({ ok: true });
      }
    }
    const plan = planApp({ ...base, services: [EchoService, Undecided, Unknown] });
    expect(plan.problems.map((p) => p.code)).toEqual(['ERR_NO_AUTH_DECISION', 'ERR_SERVICE_DEFINITION']);
    expect(plan.problems[0]?.text).toContain('Undecided.ping (rpc /rampart.test.v1.PingService/Ping) has no auth decision');
    expect(plan.problems[1]?.text).toContain('service rampart.test.v1.NoSuchService is not declared in the protos');
    // The methods that are fine are still planned.
    expect(plan.authMatrix().map((m) => m.method)).toEqual(['Echo', 'Count', 'Tally', 'Collect', 'Chat']);
    const err = await rampartErrorOf(create({ services: [EchoService, Undecided, Unknown] }));
    expect(err.code).toBe('ERR_NO_AUTH_DECISION');
    expect(err.message).toBe(`refusing to start: 2 problem(s)\n${plan.problems.map((p) => `  - ${p.text}`).join('\n')}`);
  });

  it('stops start-up when a plugin adds an interceptor it did not declare, or declares one it does not add', async () => {
    const sneaky: RampartPlugin = {
      name: 'sneaky',
      register: (ctx) => ctx.addInterceptor({ name: 'hidden', forMethod: () => undefined }),
    };
    await expect(create({ plugins: [sneaky] })).rejects.toMatchObject({
      code: 'ERR_PLUGIN_INVALID',
      message: expect.stringContaining('plugin "sneaky" added interceptor "hidden", which it does not declare') as unknown,
    });
    const lazy: RampartPlugin = { name: 'lazy', interceptors: [{ name: 'promised' }], register: () => undefined };
    await expect(create({ plugins: [lazy] })).rejects.toMatchObject({
      code: 'ERR_PLUGIN_INVALID',
      message: 'plugin "lazy" declares interceptor "promised" but its register step did not add it (ctx.addInterceptor)',
    });
  });
});
