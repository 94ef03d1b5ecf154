import { RampartError, GrpcService, Status } from '@rampart/core';
import { startTestApp, TestIssuer, withBearer, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allow, Authenticated, Authorize, deny, RequireMtls, type AuthorizationPolicy, type PolicyDecision, type PolicyInput } from '../../src/index.js';
import { resolveStages } from '../../src/stages.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type VaultServiceClient,
} from '../generated/index.js';
import { captureLogs, failed, type Outcome } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 13 (ADR 0005, amended): one-time use is the last stage, after authorization, so a one-time token is
// used up only by a call that every other stage allowed. A call refused by a policy leaves the token usable.

const READ = VaultServiceDescriptor.methods.read.path;
const ran: string[] = [];

/** Refuses a call that carries `x-deny` metadata. */
class NotDenied implements AuthorizationPolicy {
  authorize({ metadata }: PolicyInput): PolicyDecision {
    return metadata.get('x-deny').length === 0 ? allow() : deny('x-deny was sent');
  }
}

@GrpcService(VaultServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['vault:read'] })
class OneTimeVault {
  @Authenticated({ scopes: ['vault:read'], oneTimeUse: true })
  @Authorize(NotDenied)
  read(req: ReadRequest__Output): Promise<Secret> {
    ran.push('read');
    return Promise.resolve({ name: req.name, value: 'once' });
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

let issuer: TestIssuer;
let t: TestApp;
let orders: VaultServiceClient;
const logs = captureLogs('vault');

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  t = await startTestApp(vaultApp([OneTimeVault], { issuer, logger: logs.logger }));
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  await issuer?.stop();
});

const read = async (token: string, metadata: Record<string, string> = {}): Promise<Outcome> =>
  orders.read({ name: 'db' }, withBearer(token, { metadata })).then(
    (secret) => ({ ok: true, values: [secret.value] }),
    (error: unknown) => {
      expect(error).toBeInstanceOf(RampartError);
      return { ok: false, error: error as RampartError };
    },
  );

describe('one-time use runs after authorization', () => {
  it('is the last built-in stage', () => {
    expect(resolveStages(t.app.container).map((s) => s.name).slice(-2)).toEqual(['authorization', 'one-time-use']);
  });

  it('a call refused by a policy does not use the token up; its first allowed use does, and a replay is refused', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'vault:read' });
    const refused = failed(await read(token, { 'x-deny': '1' }));
    expect(refused.status).toBe(Status.PERMISSION_DENIED);
    expect(ran).toEqual([]);

    expect(await read(token)).toEqual({ ok: true, values: ['once'] });
    expect(ran).toEqual(['read']);

    const replay = failed(await read(token));
    expect(replay.status).toBe(Status.UNAUTHENTICATED);
    expect(ran).toEqual(['read']);
    const reasons = logs.audits().filter((a) => a.audit.method === READ).map((a) => a.audit.reason);
    expect(reasons).toEqual(['ERR_POLICY_DENIED', 'ok', 'ERR_TOKEN_REPLAYED']);
  });
});
