import { RampartError } from '@rampart/core';
import { preview } from './preview.js';

/**
 * Resolves to whatever `promise` rejects with; throws (failing the test) when it resolves instead.
 *
 * @example
 * ```ts
 * const error = await rejectionOf(loadSigningKeys(missingPath));
 * expect(String(error)).toMatch(/no such file/);
 * ```
 */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, it resolved to ${preview(value)}`);
}

/**
 * Resolves to the RampartError a call (or start-up, or any promise) failed with; throws (failing the test) when it
 * resolves, or rejects with anything that is not an instance of `@rampart/core`'s RampartError (also one from
 * another copy of the package), saying what it got instead.
 *
 * @example
 * ```ts
 * const error = await rampartErrorOf(client.read({ name: 'db' }));
 * expect(error.status).toBe(Status.UNAUTHENTICATED);
 * ```
 */
export async function rampartErrorOf(promise: PromiseLike<unknown>): Promise<RampartError> {
  const error = await rejectionOf(promise);
  return asRampartError(error, 'expected a RampartError');
}

/** `error` when it is an instance of this workspace's RampartError; otherwise throws `<expected>, got …`. */
export function asRampartError(error: unknown, expected: string): RampartError {
  if (error instanceof RampartError) return error;
  const copy = RampartError.is(error) ? ' (shaped like one, from another copy of @rampart/core)' : '';
  throw new Error(`${expected}, got ${preview(error)}${copy}`, { cause: error });
}
