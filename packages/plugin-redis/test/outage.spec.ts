// Redis going away mid-run: calls that need it fail closed with UNAVAILABLE, fast, with a log line; nothing hangs
// or crashes; service resumes by itself when Redis is back.
import { Status } from '@rampart/core';
import { eventually, rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_UNAVAILABLE_MESSAGE } from '../src/redis-connection.js';
import { recordingLogger } from './support/log-lines.js';
import { startReplica, type Replica } from './support/replicas.js';
import { timedFailure } from './support/rpc.js';

describe.skipIf(!redisInstalled)(`when Redis stops mid-run${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let r: Replica;
  const log = recordingLogger('ledger');

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'ledger' });
    r = await startReplica(issuer, redis.url, { logger: log.logger });
  });
  afterAll(async () => {
    if (r?.t.app.state !== 'closed') await r?.t.close();
    await issuer?.stop();
    await redis?.stop();
  });

  const read = async () => r.ledger.balance({ account: 'acc' }, withBearer(await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read' })));
  const spend = async () =>
    r.ledger.spend({ account: 'acc', amount: 1 }, withBearer(await issuer.mint({ sub: 'alice' }, { scope: 'ledger:read ledger:spend' })));

  it('killed: revocation checks and one-time tokens fail fast with UNAVAILABLE and a log line; it resumes when Redis is back', async () => {
    expect((await read()).subject).toBe('alice');
    await redis.stop();

    for (const call of [read, spend]) {
      const { ms, error: err } = await timedFailure(call());
      expect(err.status).toBe(Status.UNAVAILABLE);
      expect(err.message).toBe(REDIS_UNAVAILABLE_MESSAGE);
      expect(ms).toBeLessThan(1_000);
    }
    const outage = log.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('redis unavailable'));
    expect(outage).toMatchObject({ level: 50, plugin: 'rampart-redis', redis: redis.url });
    const audit = log.lines.filter((l) => (l.audit as { reason?: string } | undefined)?.reason === 'ERR_UNAVAILABLE');
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect((audit[0]!.audit as { detail: string }).detail).toMatch(/^revocation check: redis at redis:\/\/127\.0\.0\.1:\d+ /);

    await redis.restart();
    await eventually(read); // retried until it succeeds; throws its last error after 5 s
    expect(await spend()).toEqual({ spent: 1 });
    expect(log.lines.some((l) => l.msg === 'redis answers again')).toBe(true);
  });

  it('frozen (connections open, no answers): calls fail with UNAVAILABLE after the command timeout, not hang; then resume', async () => {
    await eventually(read);
    redis.pause();
    try {
      const calls = await Promise.all([read, spend, read].map((call) => timedFailure(call())));
      for (const { ms, error } of calls) {
        expect(error.status).toBe(Status.UNAVAILABLE);
        expect(ms).toBeGreaterThanOrEqual(250);
        expect(ms).toBeLessThan(1_500);
      }
    } finally {
      redis.resume();
    }
    await eventually(read);
    expect(await spend()).toEqual({ spent: 1 });
  });

  it('closing the app while Redis is down does not wait for Redis', async () => {
    await redis.stop();
    expect((await rampartErrorOf(read())).status).toBe(Status.UNAVAILABLE);
    const started = Date.now();
    await r.t.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.t.app.state).toBe('closed');
  });
});
