import {
  PUBLIC_DECISION,
  RampartError,
  Status,
  type AuthDecision,
  type ConfigReader,
  type Interceptor,
  type LifecycleEvent,
  type MethodPlan,
  type PluginContext,
} from '@rampart/core';
import type { CallControl } from '@rampart/core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { compileMtlsRule, mtlsInterceptor, rampartAuth } from '../../src/index.js';
import { callContext, method, peer, thrown } from './fakes.js';

/** The interceptor never ends calls later, so its control is never used. */
const noControl: CallControl = { end: () => { throw new Error('not expected'); } };

class Payments {}

const plan = (decisions: readonly AuthDecision[]): MethodPlan => ({
  method: method('Pay', 'pay'),
  decisions,
  serviceClass: Payments,
});
const mtls = (allow?: string[]): AuthDecision => ({ kind: 'mtls', options: compileMtlsRule(allow) });

describe('mtlsInterceptor', () => {
  const interceptor = mtlsInterceptor();

  it('is named and declares that it enforces "mtls"', () => {
    expect(interceptor.name).toBe('rampart-mtls');
    expect(interceptor.enforces).toEqual(['mtls']);
  });

  it('does nothing for methods without an mTLS decision', () => {
    expect(interceptor.forMethod(plan([]))).toBeUndefined();
    expect(interceptor.forMethod(plan([{ kind: PUBLIC_DECISION, options: {} }]))).toBeUndefined();
    expect(interceptor.forMethod(plan([{ kind: 'token', options: {} }]))).toBeUndefined();
  });

  it('checks the peer synchronously in onStart for methods with one', () => {
    const hooks = interceptor.forMethod(plan([{ kind: 'token', options: {} }, mtls(['spiffe://ops.example'])]));
    expect(hooks?.onStart).toBeTypeOf('function');
    expect(hooks?.onEnd).toBeUndefined();
    expect(hooks!.onStart!(callContext(peer('spiffe://ops.example/deploy')), noControl)).toBeUndefined();

    const denied = thrown(() => hooks!.onStart!(callContext(peer('spiffe://prod.example/deploy')), noControl));
    expect((denied as RampartError).status).toBe(Status.PERMISSION_DENIED);
    const anonymous = thrown(() => hooks!.onStart!(callContext(undefined), noControl));
    expect((anonymous as RampartError).code).toBe('ERR_NO_CLIENT_CERTIFICATE');
  });

  it('requires every mTLS decision of a method to pass', () => {
    const hooks = interceptor.forMethod(plan([mtls(['spiffe://ops.example']), mtls(['spiffe://ops.example/deploy'])]));
    expect(thrown(() => hooks!.onStart!(callContext(peer('spiffe://ops.example/deploy')), noControl))).toBeUndefined();
    const error = thrown(() => hooks!.onStart!(callContext(peer('spiffe://ops.example/other')), noControl));
    expect((error as RampartError).code).toBe('ERR_PEER_NOT_ALLOWED');
  });

  it('refuses at start-up an "mtls" decision not recorded by @RequireMtls, naming the method', () => {
    const error = thrown(() => interceptor.forMethod(plan([{ kind: 'mtls', options: { allow: ['spiffe://x/y'] } }])));
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_SERVICE_DEFINITION');
    expect((error as RampartError).message).toContain('Payments.pay (rpc /acme.v1.Payments/Pay)');
  });
});

describe('rampartAuth plugin', () => {
  it('is named "rampart-auth" and adds the mTLS interceptor when registered', async () => {
    const added: Interceptor[] = [];
    const hooks: LifecycleEvent[] = [];
    const config: ConfigReader = {
      get: (key) => {
        throw new Error(`unexpected config read: ${key}`);
      },
      has: () => false,
    };
    const ctx: PluginContext = {
      appName: 'payments',
      container: new Container(),
      config,
      logger: callContext(undefined).logger,
      addInterceptor: (interceptor) => void added.push(interceptor),
      on: (event) => void hooks.push(event),
    };
    const plugin = rampartAuth();
    expect(plugin.name).toBe('rampart-auth');
    await plugin.register(ctx);
    expect(added.map((i) => i.name)).toEqual(['rampart-mtls']);
    expect(added[0]?.enforces).toEqual(['mtls']);
    expect(hooks).toEqual([]);
  });
});
