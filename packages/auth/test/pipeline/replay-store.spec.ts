import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { InMemoryReplayStore } from '../../src/index.js';
import { ExpiryQueue } from '../../src/pipeline/expiry-queue.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, set: (ms: number) => void (now = ms) };
}

const at = (ms: number): Date => new Date(ms);

describe('ExpiryQueue', () => {
  it('pops keys earliest expiry first, whatever the order they came in', () => {
    const queue = new ExpiryQueue();
    // A fixed shuffle of 0..999 (multiplying by a number coprime to 1000).
    const times = Array.from({ length: 1_000 }, (_, i) => (i * 337) % 1_000);
    for (const t of times) queue.push(`k${t}`, t);
    expect(queue.size).toBe(1_000);
    const popped: string[] = [];
    while (queue.size > 0) {
      expect(queue.peekTime()).toBe(popped.length);
      popped.push(queue.pop() as string);
    }
    expect(popped).toEqual(Array.from({ length: 1_000 }, (_, i) => `k${i}`));
    expect(queue.pop()).toBeUndefined();
    expect(queue.peekTime()).toBeUndefined();
  });
});

describe('InMemoryReplayStore', () => {
  it('accepts a key once while it is live, and again once it expired', () => {
    const c = clock();
    const store = new InMemoryReplayStore(10, c.now);
    expect(store.claim('a', at(c.now() + 1_000))).toBe(true);
    expect(store.claim('a', at(c.now() + 1_000))).toBe(false);
    c.set(c.now() + 999);
    expect(store.claim('a', at(c.now() + 1_000))).toBe(false);
    c.set(c.now() + 1);
    expect(store.claim('a', at(c.now() + 1_000))).toBe(true);
  });

  it('at capacity with expired entries, a claim forgets a handful of them, not all (counted by size)', () => {
    const c = clock();
    const cap = 10_000;
    const store = new InMemoryReplayStore(cap, c.now);
    for (let i = 0; i < cap; i++) store.claim(`old-${i}`, at(c.now() + 1_000 + i));
    expect(store.size).toBe(cap);
    c.set(c.now() + 1_000 + cap); // every entry has expired
    expect(store.claim('new-0', at(c.now() + 60_000))).toBe(true);
    // A full scan forgets all 10,000 expired entries at once (size 1); ordered eviction forgets only a few.
    expect(store.size).toBeGreaterThan(cap - 5);
    for (let i = 1; i < 100; i++) expect(store.claim(`new-${i}`, at(c.now() + 60_000))).toBe(true);
    expect(store.size).toBeGreaterThan(cap - 500);
    expect(store.size).toBeLessThanOrEqual(cap);
  });

  it('forgets the earliest expiry first, so a live key inserted earlier is still refused', () => {
    const c = clock();
    const store = new InMemoryReplayStore(2, c.now);
    expect(store.claim('long', at(c.now() + 10_000))).toBe(true);
    expect(store.claim('short', at(c.now() + 1_000))).toBe(true);
    c.set(c.now() + 2_000);
    expect(store.claim('third', at(c.now() + 10_000))).toBe(true);
    expect(store.claim('long', at(c.now() + 10_000))).toBe(false);
    expect(store.size).toBe(2);
  });

  it('with half of a full store expired, takes exactly that many new claims, then fails closed', () => {
    const c = clock();
    const cap = 2_000;
    const store = new InMemoryReplayStore(cap, c.now);
    for (let i = 0; i < cap; i++) store.claim(`k-${i}`, at(c.now() + (i % 2 === 0 ? 1_000 : 100_000)));
    c.set(c.now() + 5_000); // the even half expired, the odd half is live
    for (let i = 0; i < cap / 2; i++) expect(store.claim(`n-${i}`, at(c.now() + 100_000))).toBe(true);
    const error = (() => {
      try {
        store.claim('one-too-many', at(c.now() + 100_000));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(RampartError.is(error) && error.code).toBe('ERR_UNAVAILABLE');
    expect((error as RampartError).reason).toBe(`replay store full (${cap} live one-time tokens)`);
    // Every live key is still refused: nothing live was forgotten to make room.
    for (let i = 1; i < cap; i += 2) expect(store.claim(`k-${i}`, at(c.now() + 100_000))).toBe(false);
    for (let i = 0; i < cap / 2; i++) expect(store.claim(`n-${i}`, at(c.now() + 100_000))).toBe(false);
  });

  it('a key claimed again after it expired keeps its new expiry when its old queue entry is forgotten', () => {
    const c = clock();
    const store = new InMemoryReplayStore(10, c.now);
    expect(store.claim('a', at(c.now() + 1_000))).toBe(true);
    c.set(c.now() + 2_000);
    expect(store.claim('a', at(c.now() + 10_000))).toBe(true); // its old queue entry is still there
    expect(store.claim('b', at(c.now() + 10_000))).toBe(true); // forgets the old entry of 'a' on the way
    expect(store.claim('a', at(c.now() + 10_000))).toBe(false);
  });
});
