// Issue 16, item 2, on Redis: a one-time token is accepted until exp + clock tolerance, so its jti must stay in
// Redis at least that long, and redis.replayGraceMs (skew between replicas) may not be below the tolerance. Real
// time on a short tolerance: a one-second token, replays at exp + 1 s and at exp + tolerance - 1 s.
import { rampartAuth, TokenVerifier } from '@rampart/auth';
import { AUTH_TOKENS } from '@rampart/auth/stages';
import { definePlugin, RampartError, Status, type RampartPlugin } from '@rampart/core';
import { rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAMPART_REDIS, rampartRedis, REDIS_TOKENS, type RedisConnection } from '../src/index.js';
import { RedisReplayStore } from '../src/redis-replay-store.js';
import { spends } from './support/ledger-service.js';
import { recordingLogger } from './support/log-lines.js';
import { startReplica, type Replica } from './support/replicas.js';

const TOLERANCE_SEC = 3;
const SPEND = '/rampart.redistest.v1.LedgerService/Spend';

/** A sleep on purpose: waits for a moment on the wall clock (a token's expiry plus some seconds must really pass). */
const sleepUntil = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(ms - Date.now(), 0)));

/** Auth config with a short clock tolerance (startReplica's `values` replace its `auth` key whole). */
const authValues = (issuer: TestIssuer) => ({ tokens: { issuer: issuer.url, audience: 'ledger', clockToleranceSec: TOLERANCE_SEC } });

/** Rebinds the replay store to a RedisReplayStore with no grace at all, past the start-up check. */
const noGrace = (): RampartPlugin =>
  definePlugin({
    name: 'replay-store-without-grace',
    dependencies: [RAMPART_REDIS],
    register({ container }) {
      const connection = container.get<RedisConnection>(REDIS_TOKENS.Connection);
      container.rebind(AUTH_TOKENS.ReplayStore).toConstantValue(new RedisReplayStore(connection, { keyPrefix: 'nograce:', graceMs: 0 }));
    },
  });

describe('redis.replayGraceMs below the clock tolerance', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'ledger' });
  });
  afterAll(() => issuer?.stop());

  it('stops start-up, naming both keys and the fix (before connecting to Redis)', async () => {
    const error = await startReplica(issuer, 'redis://127.0.0.1:1', {
      values: { auth: authValues(issuer), redis: { replayGraceMs: 2_999 } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(RampartError.is(error) && error.code).toBe('ERR_CONFIG_INVALID');
    expect((error as Error).message).toBe(
      'redis.replayGraceMs (2999 ms) is below auth.tokens.clockToleranceSec (3 s): a replica whose clock runs behind would ' +
        'accept a one-time token again after its jti left Redis. Fix: set redis.replayGraceMs (RAMPART_REDIS_REPLAY_GRACE_MS) ' +
        'to at least 3000, or lower auth.tokens.clockToleranceSec (RAMPART_AUTH_CLOCK_TOLERANCE_SEC)',
    );
  });

  it('checks the tolerance of a verifier given in code, not only the config key', async () => {
    const verifier = new TokenVerifier({ issuers: [{ issuer: issuer.url }], audience: 'ledger', clockToleranceSec: 120 });
    const error = await startReplica(issuer, 'redis://127.0.0.1:1', { plugins: [rampartAuth({ verifier }), rampartRedis()] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/^redis\.replayGraceMs \(60000 ms\) is below auth\.tokens\.clockToleranceSec \(120 s\)/);
  });
});

describe.skipIf(!redisInstalled)(`one-time tokens on Redis past exp, within the clock tolerance${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let replica: Replica;
  let bare: Replica;
  const log = recordingLogger('ledger');

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'ledger' });
    const values = { auth: authValues(issuer), redis: { replayGraceMs: TOLERANCE_SEC * 1000 } };
    replica = await startReplica(issuer, redis.url, { values, logger: log.logger });
    bare = await startReplica(issuer, redis.url, { values, logger: log.logger, plugins: [rampartAuth(), rampartRedis(), noGrace()] });
  });
  afterAll(async () => {
    await replica?.t.close();
    await bare?.t.close();
    await issuer?.stop();
    await redis?.stop();
  });

  it('a replay at exp + 1 s and at exp + tolerance - 1 s is refused as a replay, before the handler; an unused token still passes', async () => {
    const exp = Math.floor(Date.now() / 1000) + 1;
    const mint = (sub: string) => issuer.mint({ sub, exp }, { scope: 'ledger:read ledger:spend' });
    // `replica` uses the plugin's store at the smallest grace allowed; `bare` a store with no grace at all, so
    // only the one-time stage's exp + tolerance keeps its keys past exp.
    const used = { replica: await mint('alice'), bare: await mint('bob') };
    const unused = { replica: await mint('carol'), bare: await mint('dave') };
    const spend = (r: Replica, token: string) => r.ledger.spend({ account: 'acc-1', amount: 1 }, withBearer(token));
    expect(await spend(replica, used.replica)).toEqual({ spent: 1 });
    expect(await spend(bare, used.bare)).toEqual({ spent: 1 });
    expect(spends).toEqual(['alice', 'bob']);

    for (const after of [1, TOLERANCE_SEC - 1]) {
      await sleepUntil((exp + after) * 1000 + 50);
      for (const [name, r] of [['replica', replica], ['bare', bare]] as const) {
        spends.length = 0;
        log.lines.length = 0;
        const error = await rampartErrorOf(spend(r, used[name]));
        expect({ at: `exp + ${after} s at ${name}`, code: error.status, details: error.message }).toEqual({
          at: `exp + ${after} s at ${name}`,
          code: Status.UNAUTHENTICATED,
          details: 'invalid token',
        });
        expect(spends).toEqual([]);
        const audits = log.lines.flatMap((l) => (l.audit === undefined ? [] : [l.audit as Record<string, unknown>]));
        expect(audits).toHaveLength(1);
        expect(audits[0]).toMatchObject({ method: SPEND, decision: 'deny', reason: 'ERR_TOKEN_REPLAYED', status: Status.UNAUTHENTICATED });
      }
    }
    // Control: at exp + tolerance - 1 s an unused token is accepted, so the refusals above came from Redis.
    expect(await spend(replica, unused.replica)).toEqual({ spent: 1 });
    expect(await spend(bare, unused.bare)).toEqual({ spent: 1 });
  });
});
