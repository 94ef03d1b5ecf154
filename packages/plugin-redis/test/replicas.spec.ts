// Two replicas of one service, on different ports, sharing one Redis: one-time tokens and revocations hold across
// both.
import { resolveStages } from '@rampart/auth/stages';
import { Status } from '@rampart/core';
import { rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_TOKENS, type RedisRevocationList, type Revocation } from '../src/index.js';
import { startReplica, type Replica } from './support/replicas.js';

describe.skipIf(!redisInstalled)(`two replicas sharing one Redis${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let a: Replica;
  let b: Replica;
  let revocations: RedisRevocationList;

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'ledger' });
    a = await startReplica(issuer, redis.url);
    b = await startReplica(issuer, redis.url);
    revocations = a.t.app.container.get<RedisRevocationList>(REDIS_TOKENS.RevocationList);
  });
  afterAll(async () => {
    await a?.t.close();
    await b?.t.close();
    await issuer?.stop();
    await redis?.stop();
  });

  it('run on different ports', () => {
    expect(a.t.port).not.toBe(b.t.port);
  });

  it('a one-time token used at one replica is refused at the other (and at the first)', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read ledger:spend' });
    expect(await a.ledger.spend({ account: 'acc-1', amount: 5 }, withBearer(token))).toEqual({ spent: 5 });
    const atB = await rampartErrorOf(b.ledger.spend({ account: 'acc-1', amount: 5 }, withBearer(token)));
    expect(atB.status).toBe(Status.UNAUTHENTICATED);
    expect(atB.message).toBe('invalid token');
    expect((await rampartErrorOf(a.ledger.spend({ account: 'acc-1', amount: 5 }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
  });

  it('of two replicas racing for the same one-time token, exactly one wins', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read ledger:spend' });
    const results = await Promise.allSettled(
      [a, b, a, b].map((r) => r.ledger.spend({ account: 'acc-1', amount: 1 }, withBearer(token))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('ordinary (not one-time) tokens can be used again at either replica', async () => {
    const token = await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read' });
    for (const r of [a, b, a, b]) expect((await r.ledger.balance({ account: 'acc-1' }, withBearer(token))).subject).toBe('alice');
  });

  const cases: { by: string; claims: Record<string, string>; revocation: (jti: string) => Omit<Revocation, 'until'> }[] = [
    { by: 'jti', claims: { sub: 'bob' }, revocation: (jti) => ({ jti }) },
    { by: 'sub', claims: { sub: 'mallory' }, revocation: () => ({ sub: 'mallory' }) },
    { by: 'client id', claims: { sub: 'carol', client_id: 'batch-job' }, revocation: () => ({ clientId: 'batch-job' }) },
  ];
  for (const { by, claims, revocation } of cases) {
    it(`a token revoked by ${by} is refused by both replicas within a second, until it is lifted`, async () => {
      const token = await issuer.mint(claims, { scope: 'ledger:read' });
      const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
      const other = await issuer.mint({ sub: 'dave' }, { scope: 'ledger:read' });
      for (const r of [a, b]) await r.ledger.balance({ account: 'x' }, withBearer(token));

      const revokedAt = Date.now();
      await revocations.revoke({ ...revocation(jti), until: new Date(Date.now() + 60_000) } as Revocation);
      for (const r of [a, b]) {
        const err = await rampartErrorOf(r.ledger.balance({ account: 'x' }, withBearer(token)));
        expect(err.status).toBe(Status.UNAUTHENTICATED);
        expect(err.message).toBe('invalid token');
      }
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      // Other tokens are untouched.
      for (const r of [a, b]) expect((await r.ledger.balance({ account: 'x' }, withBearer(other))).subject).toBe('dave');

      expect(await revocations.unrevoke(revocation(jti))).toBe(true);
      for (const r of [a, b]) await r.ledger.balance({ account: 'x' }, withBearer(token));
    });
  }

  it('a revocation ends by itself at `until`', async () => {
    const token = await issuer.mint({ sub: 'erin' }, { scope: 'ledger:read' });
    await revocations.revoke({ sub: 'erin', until: new Date(Date.now() + 400) });
    expect((await rampartErrorOf(b.ledger.balance({ account: 'x' }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
    await new Promise((r) => setTimeout(r, 600)); // a sleep on purpose: the revocation's `until` must pass
    expect((await b.ledger.balance({ account: 'x' }, withBearer(token))).subject).toBe('erin');
  });

  it('a revoked one-time token is refused without being used up', async () => {
    const token = await issuer.mint({ sub: 'frank' }, { scope: 'ledger:read ledger:spend' });
    await revocations.revoke({ sub: 'frank', until: new Date(Date.now() + 60_000) });
    expect((await rampartErrorOf(a.ledger.spend({ account: 'x', amount: 1 }, withBearer(token)))).status).toBe(Status.UNAUTHENTICATED);
    await revocations.unrevoke({ sub: 'frank' });
    expect(await b.ledger.spend({ account: 'x', amount: 1 }, withBearer(token))).toEqual({ spent: 1 });
  });

  it('revoke refuses bad input', async () => {
    const future = new Date(Date.now() + 60_000);
    await expect(revocations.revoke({ until: future } as unknown as Revocation)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(revocations.revoke({ jti: 'x', sub: 'y', until: future } as unknown as Revocation)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(revocations.revoke({ sub: '', until: future })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(revocations.revoke({ sub: 'z', until: new Date(Date.now() - 1) })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('the revocation stage runs after binding and before authorization and one-time use', () => {
    const names = resolveStages(a.t.app.container).map((stage) => stage.name);
    expect(names).toEqual(['peer-identity', 'mtls', 'token', 'binding', 'revocation', 'authorization', 'one-time-use']);
  });
});
