import type { RampartError } from '@rampart/core';
import { asRampartError } from './rejections.js';

/**
 * Reads a stream to its end and returns every item in order. A stream that fails rejects with its error; use
 * {@link collectUntilError} to keep what arrived before the failure.
 *
 * @example
 * ```ts
 * const secrets = await collect(client.watch({ name: 'db' }, withBearer(token)));
 * expect(secrets.map((s) => s.value)).toEqual(['a', 'b']);
 * ```
 */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** What a stream delivered before it failed, and the error it failed with. */
export interface StreamFailure<T> {
  readonly items: T[];
  readonly error: RampartError;
}

/**
 * Reads a stream that must fail: the items that arrived before the failure and the RampartError it ended with.
 * Throws (failing the test) when the stream ends cleanly or fails with something other than a RampartError
 * (the same check as `rampartErrorOf`).
 *
 * @example
 * ```ts
 * const { items, error } = await collectUntilError(client.count({ from: 0, to: 10, failAfter: 2 }));
 * expect(items.map((m) => m.index)).toEqual([0, 1]);
 * expect(error.code).toBe('ERR_NOT_FOUND');
 * ```
 */
export async function collectUntilError<T>(stream: AsyncIterable<T>): Promise<StreamFailure<T>> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
  } catch (error) {
    return { items, error: asRampartError(error, 'expected the stream to fail with a RampartError') };
  }
  throw new Error(`expected the stream to fail, it ended cleanly after ${items.length} item(s)`);
}
