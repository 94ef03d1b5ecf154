import { redisInstalled, RedisServer, SKIP_REASON } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import { BARE, FULL_AUTH, handlerLoop, RATE_LIMITED, RATE_LIMITED_REDIS } from '../src/handler-loop.js';

// Times nothing: checks that the loop's call objects still satisfy Rampart's real handlers (a call that Rampart
// refused or failed would reject) and that every handler is measured in every round.
describe('the handler loop', () => {
  it('runs the bare handler and the three Rampart apps\' handlers (one with a rate limit), every call allowed', async () => {
    const { cpu: results, latency } = await handlerLoop(300, 2);
    expect(latency).toBeUndefined();
    expect([...results.keys()]).toEqual([BARE, 'Rampart @RequireMtls', FULL_AUTH, RATE_LIMITED]);
    for (const list of results.values()) {
      expect(list).toHaveLength(2);
      for (const us of list) expect(us).toBeGreaterThan(0);
    }
  }, 30_000);
});

describe.skipIf(!redisInstalled)(`the handler loop with --redis${SKIP_REASON}`, () => {
  it('adds the variant whose limit is on Redis, every call allowed, and times calls one at a time', async () => {
    const redis = await RedisServer.start();
    try {
      const { cpu, latency } = await handlerLoop(300, 1, { redisUrl: redis.url });
      expect([...cpu.keys()]).toContain(RATE_LIMITED_REDIS);
      expect(cpu.get(RATE_LIMITED_REDIS)).toHaveLength(1);
      expect(latency?.fullAuthUs).toBeGreaterThan(0);
      expect(latency?.redisUs).toBeGreaterThan(0);
    } finally {
      await redis.stop();
    }
  }, 30_000);
});
