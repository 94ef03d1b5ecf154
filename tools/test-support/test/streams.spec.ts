import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../src/index.js';

async function* numbers(count: number, failWith?: Error): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
  if (failWith !== undefined) throw failWith;
}

describe('collect', () => {
  it('returns every item of a stream, in order', async () => {
    expect(await collect(numbers(4))).toEqual([0, 1, 2, 3]);
    expect(await collect(numbers(0))).toEqual([]);
  });

  it('rejects with the error a stream fails with', async () => {
    const boom = new RampartError('ERR_NOT_FOUND', 'gone');
    await expect(collect(numbers(2, boom))).rejects.toBe(boom);
  });
});

describe('collectUntilError', () => {
  it('returns the items before the failure and the RampartError', async () => {
    const boom = new RampartError('ERR_NOT_FOUND', 'gone');
    const { items, error } = await collectUntilError(numbers(3, boom));
    expect(items).toEqual([0, 1, 2]);
    expect(error).toBe(boom);
  });

  it('fails when the stream ends cleanly, saying how many items came', async () => {
    await expect(collectUntilError(numbers(2))).rejects.toThrow('expected the stream to fail, it ended cleanly after 2 item(s)');
  });

  it('fails when the stream fails with something other than a RampartError, naming it', async () => {
    await expect(collectUntilError(numbers(1, new TypeError('bad')))).rejects.toThrow(
      'expected the stream to fail with a RampartError, got TypeError: bad',
    );
  });
});
