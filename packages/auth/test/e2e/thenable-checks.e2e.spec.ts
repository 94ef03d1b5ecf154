import { definePlugin, RampartError, Status } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { injectable } from 'inversify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RAMPART_AUTH, rampartAuth } from '../../src/index.js';
import { AUTH_STAGE, type AuthRequirements, type AuthStage, type StageCheck } from '../../src/stages.js';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { attackVault } from './attack-vault.js';
import { call, captureLogs, failed, KINDS } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 9: a stage check that returns a thenable which is not a native Promise is awaited, never taken for
// a synchronous success; a check that returns any other value refuses the call. Through a real server, for all four
// call kinds: the status, the audit line, and that no handler ran.


/** Settles later, like a promise from another library or realm would: not `instanceof Promise`. */
const laterThenable = (outcome: 'resolve' | 'reject'): PromiseLike<void> => ({
  then(resolve, reject) {
    setTimeout(() => {
      if (outcome === 'resolve') resolve?.(undefined);
      else reject?.(new RampartError('ERR_POLICY_DENIED', 'permission denied', { reason: 'the thenable refused' }));
    }, 5);
    return this as PromiseLike<never>;
  },
});

/** A plugin stage whose check answers as the call's `x-check` metadata says. */
@injectable()
class ThenableStage implements AuthStage {
  readonly name = 'thenable';
  readonly order = 450;
  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined;
    return (ctx) => {
      const how = ctx.metadata.get('x-check')[0];
      if (how === 'reject' || how === 'resolve') return laterThenable(how) as Promise<void>;
      if (how === 'false') return false as unknown as undefined; // a check written as a predicate
      return undefined;
    };
  }
}

let issuer: TestIssuer;
let t: TestApp;
let vault: ReturnType<typeof attackVault>;
let orders: VaultServiceClient;
let thumbprint: string;
const logs = captureLogs('vault');

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  vault = attackVault(issuer.url);
  t = await startTestApp(
    vaultApp([vault.AttackVault], {
      issuer,
      logger: logs.logger,
      plugins: [
        rampartAuth(),
        definePlugin({
          name: 'thenable-stage',
          dependencies: [RAMPART_AUTH],
          register: ({ container }) => void container.bind(AUTH_STAGE).to(ThenableStage).inSingletonScope(),
        }),
      ],
    }),
  );
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
  thumbprint = (await t.pki!.clientCertificate('/orders')).thumbprint;
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});
beforeEach(() => {
  vault.ran.length = 0;
  logs.clear();
});

/** Call options passing every stage of every vault method (a fresh token: `exchange` is one-time), and `x-check`. */
async function options(check: string): Promise<ReturnType<typeof withBearer>> {
  const token = await issuer.mint({ sub: 'orders-client' }, { scope: 'vault:read vault:write', thumbprint });
  return withBearer(token, { metadata: { 'x-check': check } });
}

describe('a stage check that returns a non-native thenable', () => {
  for (const kind of KINDS) {
    it(`${kind}: a thenable that rejects refuses the call before any handler runs`, async () => {
      const error = failed(await call(orders, kind, await options('reject')));
      expect(error.status).toBe(Status.PERMISSION_DENIED);
      expect(error.message).toBe('permission denied');
      expect(vault.ran).toEqual([]);
      const [audit, ...more] = logs.audits();
      expect(more).toEqual([]);
      expect(audit?.audit).toMatchObject({ decision: 'deny', reason: 'ERR_POLICY_DENIED', detail: 'the thenable refused' });
    });

    it(`${kind}: a thenable that resolves lets the call through once it settled`, async () => {
      expect((await call(orders, kind, await options('resolve'))).ok).toBe(true);
      expect(vault.ran.map((r) => r.method)).toEqual([kind]);
    });

    it(`${kind}: a check that returns a value (false) refuses the call with INTERNAL`, async () => {
      const error = failed(await call(orders, kind, await options('false')));
      expect(error.status).toBe(Status.INTERNAL);
      expect(error.message).toBe('internal error');
      expect(vault.ran).toEqual([]);
      expect(logs.audits()[0]?.audit).toMatchObject({ decision: 'deny', reason: 'ERR_INTERNAL' });
      expect(logs.audits()[0]?.audit.detail).toContain('auth stage "thenable" returned boolean false');
    });
  }
});
