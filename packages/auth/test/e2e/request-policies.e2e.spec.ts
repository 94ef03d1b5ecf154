// Issue 21 item 2: object-level authorization. An @Authorize policy with `authorizeRequest` decides on the request
// message (each request message of a client or bidi stream) before the handler sees it, with what it injected from
// the container: "may this caller use this secret?". Over real mTLS, all four call kinds; a refusal is
// PERMISSION_DENIED with an audit line naming the policy, and a policy that throws fails closed.
import { definePlugin, GrpcService, Status, type Interceptor, type RampartPlugin } from '@rampart/core';
import { collect, collectUntilError, rampartErrorOf } from '@rampart/test-support';
import { startTestApp, type TestApp } from '@rampart/testing';
import { inject, injectable } from 'inversify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allow, Authorize, deny, rampartAuth, RequireMtls, type AuthorizationPolicy, type RequestPolicyInput } from '../../src/index.js';
import { VaultServiceDescriptor, type ReadRequest__Output, type Secret, type Secret__Output, type VaultServiceClient } from '../generated/index.js';
import { captureLogs } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

const OWNERS = Symbol.for('test.vault.Owners');
const TD = 'spiffe://test.rampart.dev';
const ran: string[] = [];

/** A secret may be used only by the workload that owns it (the owners map is injected, as a repository would be). */
@injectable()
class SecretOwner implements AuthorizationPolicy {
  constructor(@inject(OWNERS) private readonly owners: ReadonlyMap<string, string>) {}

  async authorizeRequest({ request, peer }: RequestPolicyInput<{ name: string }>) {
    await Promise.resolve(); // as a repository lookup would
    if (request.name === 'explode') throw new Error('owners table unavailable');
    if (request.name === 'truthy') return true as never;
    const owner = this.owners.get(request.name);
    return owner !== undefined && owner === peer?.spiffeId ? allow() : deny(`${request.name} belongs to ${owner ?? 'nobody'}`);
  }
}

/** Decides nothing: start-up must refuse it. */
class Undecided {}

@GrpcService(VaultServiceDescriptor)
@RequireMtls()
@Authorize(SecretOwner)
class OwnedVault {
  read(req: ReadRequest__Output): Promise<Secret> {
    ran.push(`read:${req.name}`);
    return Promise.resolve({ name: req.name, value: 'v' });
  }
  async *watch(req: ReadRequest__Output): AsyncIterable<Secret> {
    ran.push(`watch:${req.name}`);
    yield { name: req.name, value: 'v1' };
  }
  async store(secrets: AsyncIterable<Secret__Output>): Promise<{ stored: number }> {
    let stored = 0;
    for await (const secret of secrets) {
      ran.push(`store:${secret.name}`);
      stored++;
    }
    return { stored };
  }
  async *exchange(secrets: AsyncIterable<Secret__Output>): AsyncIterable<Secret> {
    for await (const secret of secrets) {
      ran.push(`exchange:${secret.name}`);
      yield { name: secret.name, value: 'swapped' };
    }
  }
}

const owners: RampartPlugin = definePlugin({
  name: 'vault-owners',
  register(ctx) {
    ctx.container.bind(OWNERS).toConstantValue(
      new Map([
        ['orders-db', `${TD}/orders`],
        ['billing-db', `${TD}/billing`],
      ]),
    );
  },
});

/**
 * An app's own interceptor (first in the plan, enforcing nothing) that answers `x-cache: hit` calls from a cache
 * without calling `next`: it must not run before the request policy decides.
 */
const responseCache: Interceptor = {
  name: 'response-cache',
  forMethod: () => ({
    intercept(request, ctx, next) {
      if (ctx.metadata.get('x-cache')[0] === 'hit' && request.kind === 'unary') {
        const { name } = request.message as { name: string };
        return { message: { name, value: 'cached' } };
      }
      return next(request);
    },
  }),
};

let t: TestApp;
let orders: VaultServiceClient;
const logs = captureLogs('vault');

beforeAll(async () => {
  t = await startTestApp(vaultApp([OwnedVault], { interceptors: [responseCache], plugins: [owners, rampartAuth()], logger: logs.logger }));
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(() => t?.close());
beforeEach(() => {
  ran.splice(0);
  logs.clear();
});

const denials = () => logs.audits().filter((a) => a.audit.decision === 'deny').map((a) => a.audit.detail);

describe('@Authorize policies that decide on the request message', () => {
  it('unary: the owner reads its secret', async () => {
    expect(await orders.read({ name: 'orders-db' })).toEqual({ name: 'orders-db', value: 'v' });
    expect(ran).toEqual(['read:orders-db']);
  });

  it('unary: another workload\'s secret is PERMISSION_DENIED, the handler never runs, the audit names the policy', async () => {
    const error = await rampartErrorOf(orders.read({ name: 'billing-db' }));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(error.message).toBe('permission denied');
    expect(ran).toEqual([]);
    expect(denials()).toEqual([`policy SecretOwner denied: billing-db belongs to ${TD}/billing (request message 0)`]);
  });

  it("an app's own wrapper (a cache that answers without next) runs inside the policy: no cached bypass", async () => {
    expect(await orders.read({ name: 'orders-db' }, { metadata: { 'x-cache': 'hit' } })).toEqual({ name: 'orders-db', value: 'cached' });
    const error = await rampartErrorOf(orders.read({ name: 'billing-db' }, { metadata: { 'x-cache': 'hit' } }));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
  });

  it('server streaming: refused on the request before the handler', async () => {
    const error = await rampartErrorOf(collect(orders.watch({ name: 'billing-db' })));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(ran).toEqual([]);
    expect(await collect(orders.watch({ name: 'orders-db' }))).toEqual([{ name: 'orders-db', value: 'v1' }]);
  });

  it('client streaming: each message is decided; the handler sees only those before the refused one', async () => {
    const error = await rampartErrorOf(orders.store([{ name: 'orders-db', value: 'a' }, { name: 'billing-db', value: 'b' }, { name: 'orders-db', value: 'c' }]));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(ran).toEqual(['store:orders-db']);
    expect(denials()[0]).toContain('(request message 1)');
  });

  it('bidi: each message is decided; responses stop at the refused one', async () => {
    const { items, error } = await collectUntilError(orders.exchange([{ name: 'orders-db', value: 'a' }, { name: 'billing-db', value: 'b' }]));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(items).toEqual([{ name: 'orders-db', value: 'swapped' }]);
    expect(ran).toEqual(['exchange:orders-db']);
  });

  it.each([
    ['explode', 'threw on request message 0: Error: owners table unavailable'],
    ['truthy', 'it returned true, not allow() or deny(reason)'],
  ])('a policy that %s fails closed: PERMISSION_DENIED, no handler', async (name, detail) => {
    const error = await rampartErrorOf(orders.read({ name }));
    expect(error.status).toBe(Status.PERMISSION_DENIED);
    expect(ran).toEqual([]);
    expect(denials()[0]).toContain(detail);
  });

  it('a policy with neither authorize nor authorizeRequest stops start-up, naming it', async () => {
    @GrpcService(VaultServiceDescriptor)
    @RequireMtls()
    class UndecidedVault extends OwnedVault {
      @Authorize(Undecided)
      override read(req: ReadRequest__Output): Promise<Secret> {
        return super.read(req);
      }
    }
    const error = await rampartErrorOf(startTestApp(vaultApp([UndecidedVault], { plugins: [owners, rampartAuth()] })));
    expect(error.message).toContain('policy Undecided has neither authorize(input) nor authorizeRequest(input)');
  });
});
