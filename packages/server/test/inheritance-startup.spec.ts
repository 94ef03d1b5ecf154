import { authDecisionDecorator, GrpcService, Public, type RampartError } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import { createApp, type ServiceClass } from '../src/index.js';
import { protoRoot, testConfigValues } from './fixtures/harness.js';
import { PingServiceDescriptor } from './generated/index.js';

// Start-up checks for service classes built by inheritance (the request path through a real server is tested in
// packages/auth/test/e2e/inheritance.e2e.spec.ts, with the auth plugin).

const RequireThing = () => authDecisionDecorator({ kind: 'thing', options: {} });
const enforcesThing = { name: 'thing', enforces: ['thing'], forMethod: () => undefined };

const create = (services: ServiceClass[]) =>
  createApp({
    name: 'inheritance-test',
    services,
    protos: { root: protoRoot },
    interceptors: [enforcesThing],
    config: { values: testConfigValues, env: {} },
    handleSignals: false,
  });

async function refusal(services: ServiceClass[]): Promise<RampartError> {
  return rampartErrorOf(create(services));
}

class PingBase {
  @Public()
  ping(): Promise<object> {
    return Promise.resolve({ ok: true });
  }
}

describe('start-up checks through inheritance', () => {
  it('@Public() on an inherited base method next to a subclass class decision stops start-up, naming both', async () => {
    @GrpcService(PingServiceDescriptor)
    @RequireThing()
    class GuardedPing extends PingBase {}
    const err = await refusal([GuardedPing]);
    expect(err.code).toBe('ERR_AUTH_CONFLICT');
    expect(err.message).toContain('refusing to start: 1 problem(s)');
    expect(err.message).toContain('GuardedPing.ping is marked @Public() (on PingBase.ping) and also requires thing (on GuardedPing)');
  });

  it('an undecorated override of a @Public() base method gets the subclass decision, not @Public()', async () => {
    @GrpcService(PingServiceDescriptor)
    @RequireThing()
    class OverridingPing extends PingBase {
      override ping(): Promise<object> {
        return Promise.resolve({ ok: false });
      }
    }
    const app = await create([OverridingPing]);
    expect(app.authMatrix().map((e) => [e.handler, e.decisions.map((d) => `${d.kind}@${d.declaredOn ?? '?'}`)])).toEqual([
      ['OverridingPing.ping', ['thing@OverridingPing']],
    ]);
  });

  it('an undecorated override of a @Public() base method with no other decision stops start-up, naming the fix', async () => {
    @GrpcService(PingServiceDescriptor)
    class BarePing extends PingBase {
      override ping(): Promise<object> {
        return Promise.resolve({ ok: false });
      }
    }
    const err = await refusal([BarePing]);
    expect(err.code).toBe('ERR_NO_AUTH_DECISION');
    expect(err.message).toContain('BarePing.ping has no auth decision: the @Public() on PingBase.ping does not reach BarePing.ping');
  });

});
