import { RampartError } from '@rampart/core';
import { expect } from 'vitest';

/** The RampartError a call ended with (fails the test if it succeeded or threw something else). */
export async function failure(call: Promise<unknown>): Promise<RampartError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RampartError);
  return error as RampartError;
}

/** The RampartError a call ended with, and how long it took to fail. */
export async function timedFailure(call: Promise<unknown>): Promise<{ ms: number; error: RampartError }> {
  const started = Date.now();
  const error = await failure(call);
  return { ms: Date.now() - started, error };
}
