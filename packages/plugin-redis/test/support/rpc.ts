import { RpcError } from '@rampart/client';
import { expect } from 'vitest';

/** The RpcError a call ended with (fails the test if it succeeded or threw something else). */
export async function failure(call: Promise<unknown>): Promise<RpcError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
}

/** The RpcError a call ended with, and how long it took to fail. */
export async function timedFailure(call: Promise<unknown>): Promise<{ ms: number; error: RpcError }> {
  const started = Date.now();
  const error = await failure(call);
  return { ms: Date.now() - started, error };
}
