// The in-memory token buckets: the refill arithmetic and the time to the next token, and the bound on how many
// buckets are kept, under a flood of distinct keys.
import { describe, expect, it } from 'vitest';
import { MemoryBuckets } from '../src/bucket-store.js';

const PATH = '/acme.orders.v1.OrdersService/PlaceOrder';

describe('a bucket', () => {
  it('starts full, gives its capacity at once, then one token per 1/refill seconds, never more than its capacity', () => {
    const buckets = new MemoryBuckets(10);
    const limit = { capacity: 2, refillPerSecond: 4 }; // a token every 250 ms
    expect([0, 0, 0].map((t) => buckets.take(buckets.idOf(PATH, 'alice'), limit, t))).toEqual([0, 0, 250]);
    expect(buckets.take(buckets.idOf(PATH, 'alice'), limit, 100)).toBe(150);
    expect(buckets.take(buckets.idOf(PATH, 'alice'), limit, 250)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, 'alice'), limit, 260)).toBe(240);
    // Idle for a minute: full again, but no fuller than the capacity.
    expect([60_000, 60_000, 60_000].map((t) => buckets.take(buckets.idOf(PATH, 'alice'), limit, t))).toEqual([0, 0, 250]);
  });

  it('counts slow refills exactly (one token every 10 s) and never says 0 ms for a refusal', () => {
    const buckets = new MemoryBuckets(10);
    const limit = { capacity: 1, refillPerSecond: 0.1 };
    expect(buckets.take(buckets.idOf(PATH, 'bob'), limit, 1_000)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, 'bob'), limit, 1_000)).toBe(10_000);
    expect(buckets.take(buckets.idOf(PATH, 'bob'), limit, 10_999.9)).toBe(1);
    expect(buckets.take(buckets.idOf(PATH, 'bob'), limit, 11_000)).toBe(0);
  });

  it('is one per bucket name and key', () => {
    const buckets = new MemoryBuckets(10);
    const limit = { capacity: 1, refillPerSecond: 1 };
    expect(buckets.take(buckets.idOf(PATH, 'alice'), limit, 0)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, 'bob'), limit, 0)).toBe(0);
    expect(buckets.take(buckets.idOf('/acme.orders.v1.OrdersService/GetOrder', 'alice'), limit, 0)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, ''), limit, 0)).toBe(0); // the key of a limit by method
    expect(buckets.take(buckets.idOf(PATH, 'alice'), limit, 0)).toBeGreaterThan(0);
    expect(buckets.size).toBe(4);
  });
});

describe('the bound on buckets kept', () => {
  it('holds under a flood of distinct keys; the least recently used goes, and comes back full', () => {
    const buckets = new MemoryBuckets(1_000);
    const limit = { capacity: 1, refillPerSecond: 0.001 }; // nothing refills during the test
    expect(buckets.take(buckets.idOf(PATH, 'forgotten'), limit, 0)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, 'regular'), limit, 0)).toBe(0);
    for (let i = 0; i < 100_000; i++) {
      expect(buckets.take(buckets.idOf(PATH, `flood-${i}`), limit, 1)).toBe(0);
      // A caller in use stays remembered (still refused) however many others come.
      if (i % 400 === 0) expect(buckets.take(buckets.idOf(PATH, 'regular'), limit, 1)).toBeGreaterThan(0);
      if (buckets.size > 1_000) throw new Error(`${buckets.size} buckets kept after ${i + 1} keys`);
    }
    expect(buckets.size).toBe(1_000);
    // One not seen for 100 000 keys was dropped: it starts again full, as an idle bucket would have refilled.
    expect(buckets.take(buckets.idOf(PATH, 'forgotten'), limit, 2)).toBe(0);
    expect(buckets.take(buckets.idOf(PATH, 'regular'), limit, 2)).toBeGreaterThan(0);
  });

  it('refuses a bound below one bucket', () => {
    expect(() => new MemoryBuckets(0)).toThrow('maxKeys must be a whole number of 1 or more, got 0');
  });
});
