import { rampartErrorOf } from '@rampart/test-support';
import { describe, expect, it } from 'vitest';
import type { TokenResponse } from '../../src/index.js';
import { TokenCache } from '../../src/tokens/token-cache.js';

const timing = { refreshWhenLeft: 0.3, jitter: 0, expirySafetyMs: 1_000, initialBackoffMs: 100, maxBackoffMs: 1_000 };

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('TokenCache', () => {
  it('answers 1,000 concurrent callers with exactly one request (single-flight)', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0);
    let requests = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fetch = async (): Promise<TokenResponse> => {
      requests += 1;
      await gate;
      return { accessToken: 'tok-1', expiresAt: c.now() + 60_000 };
    };
    const all = Promise.all(Array.from({ length: 1_000 }, () => cache.get('inventory', fetch)));
    release();
    const tokens = await all;
    expect(requests).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
  });

  it('refreshes in the background before expiry while the current token keeps serving', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0);
    let n = 0;
    const fetch = (): Promise<TokenResponse> => Promise.resolve({ accessToken: `tok-${++n}`, expiresAt: c.now() + 60_000 });
    expect(await cache.get('a', fetch)).toBe('tok-1');
    c.advance(30_000); // 50% left: no refresh yet
    expect(await cache.get('a', fetch)).toBe('tok-1');
    expect(n).toBe(1);
    c.advance(15_000); // 25% left: refresh starts, the current token still answers
    expect(await cache.get('a', fetch)).toBe('tok-1');
    await Promise.resolve();
    expect(n).toBe(2);
    expect(await cache.get('a', fetch)).toBe('tok-2');
  });

  it('spreads refreshes with jitter', async () => {
    const refreshTimes: number[] = [];
    for (const random of [0, 0.5, 1]) {
      const c = clock();
      const cache = new TokenCache({ ...timing, jitter: 0.2 }, c.now, () => random);
      let n = 0;
      const fetch = (): Promise<TokenResponse> => Promise.resolve({ accessToken: `t${++n}`, expiresAt: c.now() + 100_000 });
      await cache.get('a', fetch);
      let t = 0;
      while (n === 1 && t < 100_000) {
        c.advance(1_000);
        t += 1_000;
        await cache.get('a', fetch);
      }
      refreshTimes.push(t);
    }
    expect(refreshTimes[0]).toBeGreaterThan(refreshTimes[1]!);
    expect(refreshTimes[1]).toBeGreaterThan(refreshTimes[2]!);
  });

  it('keeps serving the cached token while the issuer is down, then fails with a clear UNAVAILABLE after it expires', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0);
    let up = true;
    let requests = 0;
    const fetch = (): Promise<TokenResponse> => {
      requests += 1;
      return up ? Promise.resolve({ accessToken: 'tok', expiresAt: c.now() + 10_000 }) : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8443'));
    };
    expect(await cache.get('a', fetch)).toBe('tok');
    up = false;
    c.advance(8_000); // refresh due; it fails in the background
    expect(await cache.get('a', fetch)).toBe('tok');
    await new Promise((r) => setImmediate(r));
    c.advance(1_500); // within the safety margin of expiry: no longer handed out
    const err = await rampartErrorOf(cache.get('a', fetch));
    expect(err.code).toBe('ERR_UNAVAILABLE');
    expect(err.reason).toContain('ECONNREFUSED');
    // Backoff: an immediate retry fails fast without another request.
    const before = requests;
    await cache.get('a', fetch).catch(() => undefined);
    expect(requests).toBe(before);
    // Once the backoff has passed and the issuer is back, it recovers.
    up = true;
    c.advance(1_000);
    expect(await cache.get('a', fetch)).toBe('tok');
  });

  it('backs off exponentially up to the maximum', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0);
    let requests = 0;
    const fetch = (): Promise<TokenResponse> => {
      requests += 1;
      return Promise.reject(new Error('down'));
    };
    const attemptsAt: number[] = [];
    for (let t = 0; t <= 3_000; t += 50) {
      const before = requests;
      await cache.get('a', fetch).catch(() => undefined);
      if (requests > before) attemptsAt.push(t);
      c.advance(50);
    }
    const gaps = attemptsAt.slice(1).map((t, i) => t - attemptsAt[i]!);
    expect(gaps.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_050);
  });

  it('holds at most maxEntries tokens however many distinct keys are asked for (one per caller token, exchange)', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0, undefined, 100);
    let requests = 0;
    const fetch = (): Promise<TokenResponse> => Promise.resolve({ accessToken: `tok-${++requests}`, expiresAt: c.now() + 60_000 });
    for (let i = 0; i < 5_000; i++) await cache.get(`tx|caller-${i}|inventory`, fetch);
    expect(requests).toBe(5_000);
    expect(cache.size).toBe(100);
  });

  it('forgets the least recently used token first; a forgotten key gets a new token', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0, undefined, 3);
    const requested: string[] = [];
    const fetch = (key: string) => (): Promise<TokenResponse> => {
      requested.push(key);
      return Promise.resolve({ accessToken: `${key}-${requested.length}`, expiresAt: c.now() + 60_000 });
    };
    for (const key of ['a', 'b', 'c']) await cache.get(key, fetch(key));
    expect(await cache.get('a', fetch('a'))).toBe('a-1'); // 'a' is now the most recently used
    await cache.get('d', fetch('d')); // forgets 'b'
    expect(cache.size).toBe(3);
    expect(await cache.get('a', fetch('a'))).toBe('a-1');
    expect(await cache.get('c', fetch('c'))).toBe('c-3');
    expect(await cache.get('b', fetch('b'))).toBe('b-5');
    expect(requested).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  it('refuses a size below 1', () => {
    expect(() => new TokenCache(timing, Date.now, Math.random, undefined, 0)).toThrow(/at least 1 token/);
  });

  it('keeps tokens for different keys apart', async () => {
    const c = clock();
    const cache = new TokenCache(timing, c.now, () => 0);
    const fetch = (name: string) => (): Promise<TokenResponse> => Promise.resolve({ accessToken: name, expiresAt: c.now() + 60_000 });
    expect(await cache.get('inventory', fetch('inv'))).toBe('inv');
    expect(await cache.get('payments', fetch('pay'))).toBe('pay');
    expect(await cache.get('inventory', fetch('other'))).toBe('inv');
  });

  it('comes back within the default backoff cap (5 s) however long the issuer was away', async () => {
    // Outages ending at different points of the backoff schedule; a caller every 100 ms.
    for (const outageMs of [572_000, 585_000, 600_000]) {
      const c = clock();
      const cache = new TokenCache(undefined, c.now, () => 0);
      let up = false;
      let requests = 0;
      const fetch = (): Promise<TokenResponse> => {
        requests += 1;
        return up ? Promise.resolve({ accessToken: 'back', expiresAt: c.now() + 60_000 }) : Promise.reject(new Error('connect ECONNREFUSED'));
      };
      for (let t = 0; t < outageMs; t += 100) {
        await cache.get('a', fetch).catch(() => undefined);
        c.advance(100);
      }
      expect(requests).toBeLessThan(outageMs / 1_000); // backed off, not one request per call
      up = true;
      let recoveredAfter = 0;
      while ((await cache.get('a', fetch).catch(() => undefined)) !== 'back') {
        c.advance(100);
        recoveredAfter += 100;
      }
      expect(recoveredAfter).toBeLessThanOrEqual(5_000);
    }
  });

  it('spreads the retries of a failed request at random, by up to half the wait', async () => {
    const waits: number[] = [];
    for (const random of [0, 1]) {
      const c = clock();
      const cache = new TokenCache({ ...timing, initialBackoffMs: 1_000, maxBackoffMs: 1_000 }, c.now, () => random);
      let requests = 0;
      const fetch = (): Promise<TokenResponse> => ((requests += 1), Promise.reject(new Error('down')));
      await cache.get('a', fetch).catch(() => undefined);
      let waited = 0;
      while (requests === 1) {
        c.advance(50);
        waited += 50;
        await cache.get('a', fetch).catch(() => undefined);
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1_000, 500]);
  });
});
