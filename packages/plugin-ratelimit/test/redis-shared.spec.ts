// Buckets on Redis: two app instances on one Redis share one budget; the Lua script takes tokens atomically under
// concurrent calls (exactly the capacity passes), keeps keys only until they would be full again, and survives
// Redis losing its script cache.
import { Status } from '@rampart/core';
import { collect, redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBuckets } from '../src/redis-buckets.js';
import { RedisLink } from '../src/redis-link.js';
import { recordingLogger, startQuotaApp, statusOf, type QuotaApp } from './support/quota-app.js';
import { ran } from './support/quota-service.js';

const PING = '/rampart.ratelimittest.v1.QuotaService/Ping';

describe.skipIf(!redisInstalled)(`buckets on Redis${SKIP_REASON}`, () => {
  let redis: RedisServer;
  let issuer: TestIssuer;
  let a: QuotaApp;
  let b: QuotaApp;
  let inspect: ReturnType<typeof createClient>;
  const env = (url: string) => ({ RAMPART_RATELIMIT_STORE: 'redis', RAMPART_RATELIMIT_REDIS_URL: url });
  const bearer = async (sub: string) => withBearer(await issuer.mint({ sub }, { scope: 'quota:use' }));

  beforeAll(async () => {
    redis = await RedisServer.start();
    issuer = await TestIssuer.start({ audience: 'quota' });
    // Two instances (each its own port and PKI), one Redis; Ping allows 10 calls per principal in all, nearly no refill.
    const values = { ratelimit: { methods: { [PING]: { capacity: 10, refillPerSecond: 0.01 } } } };
    a = await startQuotaApp(issuer, { env: env(redis.url), values });
    b = await startQuotaApp(issuer, { env: env(redis.url), values });
    inspect = createClient({ url: redis.url });
    await inspect.connect();
  });
  afterAll(async () => {
    await inspect?.close();
    await a?.t.close();
    await b?.t.close();
    await issuer?.stop();
    await redis?.stop();
  });

  it('two instances share one budget: calls to both are counted together', async () => {
    const options = await bearer('alice');
    const watch = (app: QuotaApp) => statusOf(collect(app.quota.watch({ note: 'w' }, options)));
    // QuotaService: 3 at once per principal (Watch); 2 at one instance, 1 at the other, then both refuse.
    expect([await watch(a), await watch(b), await watch(a)]).toEqual([Status.OK, Status.OK, Status.OK]);
    expect([await watch(b), await watch(a)]).toEqual([Status.RESOURCE_EXHAUSTED, Status.RESOURCE_EXHAUSTED]);
    expect(ran.filter((r) => r === 'watch:alice')).toHaveLength(3);
  });

  it('is atomic: 40 concurrent calls spread over both instances against a capacity of 10, exactly 10 pass', async () => {
    const options = await bearer('bob');
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => statusOf((i % 2 === 0 ? a : b).quota.ping({ note: String(i) }, options))));
    expect(outcomes.filter((s) => s === Status.OK)).toHaveLength(10);
    expect(outcomes.filter((s) => s === Status.RESOURCE_EXHAUSTED)).toHaveLength(30);
    expect(ran.filter((r) => r === 'ping:bob')).toHaveLength(10);
  });

  it('the script alone: 300 concurrent takes against a capacity of 100 give exactly 100 tokens', async () => {
    const link = new RedisLink({ url: redis.url, commandTimeoutMs: 5_000, connectTimeoutMs: 5_000, outageEffect: 'n/a' }, recordingLogger('link').logger);
    await link.open();
    try {
      const buckets = new RedisBuckets(link, 'test:atomic:');
      const waits = await Promise.all(Array.from({ length: 300 }, () => buckets.take(buckets.idOf('bulk', 'carol'), { capacity: 100, refillPerSecond: 0.001 })));
      expect(waits.filter((w) => w === 0)).toHaveLength(100);
      // The refused learn when the next token comes: 1/0.001 s, on Redis's clock.
      for (const wait of waits.filter((w) => w > 0)) expect(wait).toBeGreaterThan(999_000);
    } finally {
      await link.close();
    }
  });

  it('keeps a key only until its bucket would be full again (an expired bucket and a full one are the same)', async () => {
    const options = await bearer('dave');
    await a.quota.ping({ note: 'one' }, options);
    const key = `rampart:ratelimit:${PING}:${issuer.url} dave`;
    expect(await inspect.hGetAll(key)).toEqual({ t: '9', at: expect.stringMatching(/^\d{16}$/) });
    const ttl = await inspect.pTTL(key);
    // One token short of 10, at 0.01 a second: full again in 100 s.
    expect(ttl).toBeGreaterThan(95_000);
    expect(ttl).toBeLessThanOrEqual(100_001);
  });

  it('after Redis lost its scripts (SCRIPT FLUSH, a restart), the next call loads the script again and works', async () => {
    await inspect.scriptFlush();
    const options = await bearer('erin');
    expect(await a.quota.ping({ note: 'after flush' }, options)).toEqual({ note: 'after flush', caller: 'erin' });
    expect(await b.quota.ping({ note: 'after flush' }, options)).toEqual({ note: 'after flush', caller: 'erin' });
  });
});
