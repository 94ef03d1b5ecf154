import { GrpcService, Status } from '@rampart/core';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allow, Authorize, deny, RequireMtls, type AuthorizationPolicy, type PolicyDecision, type PolicyInput } from '../../src/index.js';
import { VaultServiceDescriptor, type ReadRequest__Output, type Secret, type VaultServiceClient } from '../generated/index.js';
import { captureLogs, failed, type Outcome } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 20 item 6: a policy returns a typed decision, allow() or deny(reason). Before, it returned `boolean | string`
// and any string denied, so a policy written to return 'ok' (or 'allow') refused every call by surprise; a JavaScript
// policy, or one cast past the types, can still return anything: only allow() lets a call through.

const READ = VaultServiceDescriptor.methods.read.path;
const ran: string[] = [];

/** Returns what the call's `x-return` metadata names: a decision, or a value a policy must not return. */
class ScriptedPolicy implements AuthorizationPolicy {
  authorize({ metadata }: PolicyInput): PolicyDecision | Promise<PolicyDecision> {
    const returns: Record<string, () => unknown> = {
      allow: () => allow(),
      'async allow': () => Promise.resolve(allow()),
      deny: () => deny('not this caller'),
      true: () => true,
      ok: () => 'ok',
      nothing: () => undefined,
      'allow-like': () => ({ allow: 'yes' }),
      throws: () => {
        throw new Error('directory down');
      },
    };
    return returns[String(metadata.get('x-return')[0])]?.() as PolicyDecision;
  }
}

@GrpcService(VaultServiceDescriptor)
@RequireMtls()
class PolicyVault {
  @Authorize(ScriptedPolicy)
  read(req: ReadRequest__Output): Promise<Secret> {
    ran.push('read');
    return Promise.resolve({ name: req.name, value: 'v' });
  }

  // The other RPCs of the proto, never called here.
  watch(): AsyncIterable<Secret> {
    throw new Error('not called');
  }
  store(): Promise<{ stored: number }> {
    throw new Error('not called');
  }
  exchange(): AsyncIterable<Secret> {
    throw new Error('not called');
  }
}

let t: TestApp;
let client: VaultServiceClient;
const logs = captureLogs('vault');

beforeAll(async () => {
  t = await startTestApp(vaultApp([PolicyVault], { logger: logs.logger }));
  client = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(() => t?.close());
beforeEach(() => {
  ran.splice(0);
  logs.clear();
});

const read = (returns: string): Promise<Outcome> =>
  client.read({ name: 'db' }, { metadata: { 'x-return': returns } }).then(
    (secret) => ({ ok: true, values: [secret.value] }),
    (error: unknown) => ({ ok: false, error: error as never }),
  );
const auditOf = () => logs.audits().filter((a) => a.audit.method === READ).map((a) => [a.audit.decision, a.audit.reason, a.audit.detail]);

describe('@Authorize policies decide with allow() or deny(reason)', () => {
  it.each(['allow', 'async allow'])('%s: the call goes through', async (returns) => {
    expect(await read(returns)).toEqual({ ok: true, values: ['v'] });
    expect(ran).toEqual(['read']);
  });

  it('deny(reason): PERMISSION_DENIED, the reason in the audit only, no handler ran', async () => {
    const error = failed(await read('deny'));
    expect([error.status, error.message]).toEqual([Status.PERMISSION_DENIED, 'permission denied']);
    expect(ran).toEqual([]);
    expect(auditOf()).toEqual([['deny', 'ERR_POLICY_DENIED', 'policy ScriptedPolicy denied: not this caller']]);
  });

  it.each([
    ['true', 'true'],
    ['ok', 'a string'],
    ['nothing', 'undefined'],
    ['allow-like', 'an object that is not a decision'],
  ])('returning %s instead of a decision denies (fails closed), and the audit says what it returned', async (returns, what) => {
    const error = failed(await read(returns));
    expect([error.status, error.message]).toEqual([Status.PERMISSION_DENIED, 'permission denied']);
    expect(ran).toEqual([]);
    expect(auditOf()).toEqual([['deny', 'ERR_POLICY_DENIED', `policy ScriptedPolicy denied: it returned ${what}, not allow() or deny(reason)`]]);
  });

  it('a policy that throws fails closed as a server fault (INTERNAL), and the caller learns nothing of why', async () => {
    const error = failed(await read('throws'));
    expect(error.status).toBe(Status.INTERNAL);
    expect(error.message).not.toContain('directory down');
    expect(ran).toEqual([]);
    expect(auditOf().map(([decision]) => decision)).toEqual(['deny']);
  });
});
