// When Redis fails: ratelimit.redis.failureMode closed (the default: UNAVAILABLE, no handler runs), open (calls pass,
// with a warn line per interval, not per call) and local (each replica limits alone); a frozen Redis counts as failed
// after the command timeout; everything resumes when Redis is back; start-up fails when Redis cannot be reached.
import { Status } from '@rampart/core';
import { eventually, rampartErrorOf, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { freePort, TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger, startQuotaApp, statusOf, type QuotaApp } from './support/quota-app.js';
import { ran } from './support/quota-service.js';

describe.skipIf(!redisInstalled)(`when the rate limiter's Redis fails${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let app: QuotaApp | undefined;
  const bearer = async (sub: string) => withBearer(await issuer.mint({ sub }, { scope: 'quota:use' }));
  const env = (mode?: string): Record<string, string> => ({
    RAMPART_RATELIMIT_STORE: 'redis',
    RAMPART_RATELIMIT_REDIS_URL: redis.url,
    ...(mode ? { RAMPART_RATELIMIT_REDIS_FAILURE_MODE: mode } : {}),
  });
  const timed = async (call: Promise<unknown>): Promise<{ ms: number; status: number }> => {
    const started = performance.now();
    const status = await statusOf(call);
    return { ms: performance.now() - started, status };
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'quota' });
  });
  afterEach(async () => {
    await app?.t.close();
    app = undefined;
    redis.resume();
    await redis.restart();
  });
  afterAll(async () => {
    await issuer?.stop();
    await redis?.stop();
  });

  it('closed (the default): UNAVAILABLE at once, no handler runs, the outage logged once; it resumes when Redis is back', async () => {
    const log = recordingLogger('quota');
    app = await startQuotaApp(issuer, { env: env(), logger: log.logger });
    const options = await bearer('alice');
    expect(await app.quota.ping({ note: 'before' }, options)).toEqual({ note: 'before', caller: 'alice' });
    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const error = await rampartErrorOf(app.quota.ping({ note: 'down' }, options));
      expect(error.status).toBe(Status.UNAVAILABLE);
      expect(error.message).toBe('rate limiter unavailable, try again later');
    }
    expect(ran.filter((r) => r === 'ping:alice')).toHaveLength(1);
    const outage = log.lines.filter((l) => String(l.msg).startsWith("rate limiter's redis unavailable"));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatchObject({ level: 50, plugin: 'rampart-ratelimit', redis: redis.url });
    expect(outage[0]?.msg).toBe("rate limiter's redis unavailable: limited calls are refused with UNAVAILABLE until it answers again");
    await redis.restart();
    await eventually(() => app!.quota.ping({ note: 'after' }, options));
    expect(log.lines.some((l) => l.msg === "rate limiter's redis answers again")).toBe(true);
  });

  it('a frozen Redis (connections open, no answers) counts as failed after ratelimit.redis.commandTimeoutMs, not a hang', async () => {
    app = await startQuotaApp(issuer, { env: { ...env(), RAMPART_RATELIMIT_REDIS_COMMAND_TIMEOUT_MS: '250' } });
    const options = await bearer('bob');
    await app.quota.ping({ note: 'before' }, options);
    redis.pause();
    const calls = await Promise.all([1, 2, 3].map(() => timed(app!.quota.ping({ note: 'frozen' }, options))));
    for (const { ms, status } of calls) {
      expect(status).toBe(Status.UNAVAILABLE);
      expect(ms).toBeGreaterThanOrEqual(240);
      expect(ms).toBeLessThan(1_500);
    }
    redis.resume();
    await eventually(() => app!.quota.ping({ note: 'thawed' }, options));
  });

  it('open: calls pass without a limit, and a flood of them writes one warn line with their number', async () => {
    const log = recordingLogger('quota');
    app = await startQuotaApp(issuer, { env: env('open'), logger: log.logger });
    const options = await bearer('carol');
    await redis.stop();
    const statuses = await Promise.all(Array.from({ length: 10 }, () => timed(app!.quota.ping({ note: 'open' }, options))));
    expect(statuses.map((s) => s.status)).toEqual(Array.from({ length: 10 }, () => Status.OK)); // the limit is 3 at once
    expect(ran.filter((r) => r === 'ping:carol')).toHaveLength(10);
    const warnings = log.lines.filter((l) => String(l.msg).startsWith('rate limit store failing'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, failureMode: 'open', calls: 1 });
    expect(warnings[0]?.msg).toBe('rate limit store failing: 1 call since the last line passed without a limit (ratelimit.redis.failureMode=open)');
  });

  it('open, frozen: a call passes once the command timeout is over', async () => {
    app = await startQuotaApp(issuer, { env: { ...env('open'), RAMPART_RATELIMIT_REDIS_COMMAND_TIMEOUT_MS: '250' } });
    const options = await bearer('dan');
    await app.quota.ping({ note: 'before' }, options);
    redis.pause();
    const { ms, status } = await timed(app.quota.ping({ note: 'frozen' }, options));
    expect(status).toBe(Status.OK);
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  it('local: each replica limits alone, in memory, with the same limit', async () => {
    app = await startQuotaApp(issuer, { env: env('local') });
    const options = await bearer('erin');
    await redis.stop();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => timed(app!.quota.ping({ note: 'local' }, options))));
    expect(outcomes.map((o) => o.status).sort((x, y) => x - y)).toEqual([Status.OK, Status.OK, Status.OK, Status.RESOURCE_EXHAUSTED, Status.RESOURCE_EXHAUSTED]);
    expect(ran.filter((r) => r === 'ping:erin')).toHaveLength(3);
  });

  it('start-up fails naming the address (never a password) when Redis cannot be reached', async () => {
    const port = await freePort();
    const error = await rampartErrorOf(
      startQuotaApp(issuer, {
        env: { RAMPART_RATELIMIT_STORE: 'redis', RAMPART_RATELIMIT_REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`, RAMPART_RATELIMIT_REDIS_CONNECT_TIMEOUT_MS: '500' },
      }),
    );
    expect(error.message).toContain(`cannot connect to Redis at redis://127.0.0.1:${port}`);
    expect(error.message).not.toContain('hunter2');
  });
});
