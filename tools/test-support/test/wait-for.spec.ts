import { describe, expect, it } from 'vitest';
import { eventually, waitFor } from '../src/index.js';

describe('waitFor', () => {
  it('returns once the condition holds, without waiting when it already does', async () => {
    let ticks = 0;
    let checks = 0;
    await waitFor(() => ++checks > 0, 'nothing', { intervalMs: 60_000 }); // a pause before the first check would time the test out
    expect(checks).toBe(1);
    await waitFor(() => ++ticks >= 3, 'three ticks', { intervalMs: 1 });
    expect(ticks).toBe(3);
  });

  it('takes an async condition and counts a throw as not yet', async () => {
    let tries = 0;
    await waitFor(
      async () => {
        if (++tries < 3) throw new Error('not ready');
        return true;
      },
      'the third try',
      { intervalMs: 1 },
    );
    expect(tries).toBe(3);
  });

  it('throws after the timeout, naming what never happened and the last error', async () => {
    await expect(waitFor(() => false, 'the moon', { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('timed out after 30 ms waiting for the moon');
    await expect(
      waitFor(
        () => {
          throw new Error('refused');
        },
        'a connection',
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for a connection (last try threw Error: refused)');
  });
});

describe('eventually', () => {
  it('returns the first value accepted', async () => {
    let n = 0;
    expect(await eventually(async () => ++n, (v) => v === 4, { intervalMs: 1 })).toBe(4);
  });

  it('by default returns the first value at all, retrying rejections', async () => {
    let n = 0;
    const value = await eventually(async () => {
      if (++n < 3) throw new Error('down');
      return 'up';
    }, undefined, { intervalMs: 1 });
    expect(value).toBe('up');
  });

  it('after the timeout returns the last value (or throws the last error) for the caller to assert on', async () => {
    expect(await eventually(async () => 'stale', (v) => v === 'fresh', { timeoutMs: 20, intervalMs: 5 })).toBe('stale');
    await expect(eventually(() => Promise.reject(new Error('still down')), undefined, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow('still down');
  });
});
