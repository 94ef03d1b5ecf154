import { definePlugin, RampartError, Status, type CallIdentityWriter, type RampartPlugin } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { injectable, type Container } from 'inversify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RAMPART_AUTH, rampartAuth } from '../../src/index.js';
import { AUTH_STAGE, AUTH_STAGE_REMOVED, type AuthRequirements, type AuthStage, type StageCheck } from '../../src/stages.js';
import { VaultServiceDescriptor } from '../generated/index.js';
import { attackVault } from './attack-vault.js';
import { call, captureLogs, failed, LEVEL } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 9: a requirement cannot lose its stage. A plugin that removes or replaces a built-in stage so that a
// method's @RequireMtls, @Authenticated, scopes, policy or one-time use would go unenforced stops start-up, naming
// the method, the requirement and the fix; a stage that needs a verified token refuses a call that has none.

const READ = VaultServiceDescriptor.methods.read.path;
const EXCHANGE = VaultServiceDescriptor.methods.exchange.path;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
});
afterAll(() => issuer?.stop());

/** A plugin that changes the pipeline's bindings after the auth plugin registered, as any plugin may. */
const tamper = (register: (container: Container) => void): RampartPlugin =>
  definePlugin({ name: 'tamper', dependencies: [RAMPART_AUTH], register: ({ container }) => register(container) });

const removing = (name: string): RampartPlugin => tamper((c) => void c.bind(AUTH_STAGE_REMOVED).toConstantValue(name));

/** A "token" stage that lets every call through: same name as the built-in one, so it replaces it. */
@injectable()
class LaxTokenStage implements AuthStage {
  readonly name = 'token';
  readonly order = 300;
  plan({ token }: AuthRequirements): StageCheck | undefined {
    return token === undefined ? undefined : () => undefined;
  }
}

/**
 * A replacement token stage that declares it enforces tokens and sets `ctx.principal` (as an introspection stage
 * might), but forgets `state.token`: the stages after it that need the verified token must not pass.
 */
@injectable()
class ForgetfulTokenStage implements AuthStage {
  readonly name = 'token';
  readonly order = 300;
  readonly enforces = ['token'] as const;
  plan({ token }: AuthRequirements, identity: CallIdentityWriter): StageCheck | undefined {
    if (token === undefined) return undefined;
    return (ctx) => {
      identity.authenticate(ctx, {
        subject: 'introspected',
        issuer: 'urn:introspection',
        clientId: undefined,
        scopes: new Set(['vault:read', 'vault:write']),
        actors: [],
        expiresAt: new Date(Date.now() + 60_000),
        claims: {},
      });
    };
  }
}

/** A stage that reads the verified token but is ordered before the token stage. */
@injectable()
class EarlyTokenReader implements AuthStage {
  readonly name = 'early-reader';
  readonly order = 250;
  readonly needs = ['token'] as const;
  plan({ token }: AuthRequirements): StageCheck | undefined {
    return token === undefined ? undefined : () => undefined;
  }
}

async function startFailure(plugin: RampartPlugin): Promise<RampartError> {
  const { AttackVault } = attackVault(issuer.url);
  const outcome = await startTestApp(vaultApp([AttackVault], { issuer, plugins: [rampartAuth(), plugin] })).then(
    async (t) => {
      await t.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(outcome, 'the app started, leaving a requirement unenforced').toBeInstanceOf(RampartError);
  return outcome as RampartError;
}

describe('start-up refuses a method whose requirement no stage enforces', () => {
  const cases: { what: string; plugin: () => RampartPlugin; path: string; kind: string; builtIn: string }[] = [
    { what: 'the token stage removed', plugin: () => removing('token'), path: READ, kind: 'token', builtIn: 'token' },
    {
      what: 'the token stage replaced by a same-name stage that enforces nothing',
      plugin: () => tamper((c) => void c.bind(AUTH_STAGE).to(LaxTokenStage).inSingletonScope()),
      path: READ,
      kind: 'token',
      builtIn: 'token',
    },
    { what: 'the mtls stage removed', plugin: () => removing('mtls'), path: READ, kind: 'mtls', builtIn: 'mtls' },
    { what: 'the binding stage removed', plugin: () => removing('binding'), path: READ, kind: 'binding', builtIn: 'binding' },
    { what: 'the authorization stage removed (scopes)', plugin: () => removing('authorization'), path: READ, kind: 'scopes', builtIn: 'authorization' },
    { what: 'the authorization stage removed (policy)', plugin: () => removing('authorization'), path: READ, kind: 'policy', builtIn: 'authorization' },
    { what: 'the one-time-use stage removed', plugin: () => removing('one-time-use'), path: EXCHANGE, kind: 'oneTimeUse', builtIn: 'one-time-use' },
  ];
  for (const { what, plugin, path, kind, builtIn } of cases) {
    it(`${what}: ERR_UNENFORCED_DECISION naming ${path}, "${kind}" and the fix`, async () => {
      const error = await startFailure(plugin());
      expect(error.code).toBe('ERR_UNENFORCED_DECISION');
      expect(error.message).toContain(`${path} is not fully protected by the auth pipeline`);
      expect(error.message).toContain(`no auth stage enforces "${kind}"`);
      expect(error.message).toContain(`Fix: keep the built-in "${builtIn}" stage`);
    });
  }

  it('a stage that needs the verified token, ordered before the token stage: refused, naming the stage and the fix', async () => {
    const error = await startFailure(tamper((c) => void c.bind(AUTH_STAGE).to(EarlyTokenReader).inSingletonScope()));
    expect(error.code).toBe('ERR_UNENFORCED_DECISION');
    expect(error.message).toContain('stage "early-reader" (order 250) needs "token" enforced before it');
    expect(error.message).toContain('Fix: give "early-reader" an order after the stage that enforces "token"');
  });
});

describe('a stage that needs a verified token refuses a call that has none', () => {
  let t: TestApp;
  let vault: ReturnType<typeof attackVault>;
  const logs = captureLogs('vault');

  beforeAll(async () => {
    vault = attackVault(issuer.url);
    t = await startTestApp(vaultApp([vault.AttackVault], {
      issuer,
      plugins: [rampartAuth(), tamper((c) => void c.bind(AUTH_STAGE).to(ForgetfulTokenStage).inSingletonScope())],
      logger: logs.logger,
    }));
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    vault.ran.length = 0;
    logs.clear();
  });

  it('one-time use without a verified token: UNAUTHENTICATED before the handler, the reason in the audit line', async () => {
    const orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    const error = failed(await call(orders, 'exchange', withBearer(token)));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.message).toBe('unauthenticated');
    expect(vault.ran).toEqual([]);
    const audit = logs.audits().filter((a) => a.audit.method === EXCHANGE);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.level).toBe(LEVEL.warn);
    expect(audit[0]?.audit).toMatchObject({ decision: 'deny', reason: 'ERR_UNAUTHENTICATED', status: Status.UNAUTHENTICATED });
    expect(audit[0]?.audit.detail).toContain('stage "one-time-use" needs the token verified by the token stage');
  });

  it('the control: a method without one-time use still runs on the replacement stage (it enforces "token" its way)', async () => {
    const orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
    const outcome = await call(orders, 'read', {});
    expect(outcome).toEqual({ ok: true, values: ['introspected'] });
    expect(vault.ran.map((r) => r.method)).toEqual(['read']);
  });
});
