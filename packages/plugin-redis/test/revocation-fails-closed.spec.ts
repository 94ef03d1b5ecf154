// Issue 16 item 9: the revocation stage needs the token the token stage verified. When a plugin's replacement
// token stage lets a call through without setting `state.token`, the revocation stage refuses the call
// (UNAUTHENTICATED, the reason in the audit line) instead of passing it unchecked.
import { RAMPART_AUTH, rampartAuth } from '@rampart/auth';
import { AUTH_STAGE, type AuthRequirements, type AuthStage, type StageCheck } from '@rampart/auth/stages';
import { definePlugin, Status, type CallIdentityWriter } from '@rampart/core';
import { rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { injectable } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampartRedis } from '../src/index.js';
import { recordingLogger } from './support/log-lines.js';
import { startReplica, type Replica } from './support/replicas.js';

/** A replacement "token" stage that says it enforces tokens and sets a principal, but never `state.token`. */
@injectable()
class PrincipalOnlyTokenStage implements AuthStage {
  readonly name = 'token';
  readonly order = 300;
  readonly enforces = ['token'] as const;
  plan({ token }: AuthRequirements, identity: CallIdentityWriter): StageCheck | undefined {
    if (token === undefined) return undefined;
    return (ctx) => {
      const expiresAt = new Date(Date.now() + 60_000);
      identity.authenticate(ctx, { subject: 'mallory', issuer: 'urn:other', clientId: undefined, scopes: new Set(['ledger:read']), actors: [], expiresAt, claims: {} });
    };
  }
}

describe.skipIf(!redisInstalled)(`the revocation stage without a verified token${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let r: Replica;
  const log = recordingLogger('ledger');

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'ledger' });
    const replace = definePlugin({
      name: 'principal-only-token',
      dependencies: [RAMPART_AUTH],
      register: ({ container }) => void container.bind(AUTH_STAGE).to(PrincipalOnlyTokenStage).inSingletonScope(),
    });
    r = await startReplica(issuer, redis.url, { logger: log.logger, plugins: [rampartAuth(), rampartRedis(), replace] });
  });
  afterAll(async () => {
    await r?.t.close();
    await issuer?.stop();
    await redis?.stop();
  });

  it('refuses the call with UNAUTHENTICATED before the handler, saying why in the audit line', async () => {
    const token = await issuer.mint({ sub: 'mallory' }, { scope: 'ledger:read' });
    const err = await rampartErrorOf(r.ledger.balance({ account: 'a' }, withBearer(token)));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('unauthenticated');
    const audit = log.lines.map((l) => l.audit as { decision: string; reason: string; detail?: string } | undefined).find((a) => a !== undefined);
    expect(audit).toMatchObject({ decision: 'deny', reason: 'ERR_UNAUTHENTICATED' });
    expect(audit?.detail).toContain('stage "revocation" needs the token verified by the token stage');
  });
});
