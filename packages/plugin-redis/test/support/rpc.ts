import type { RampartError } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';

/** The RampartError a call ended with, and how long it took to fail. */
export async function timedFailure(call: Promise<unknown>): Promise<{ ms: number; error: RampartError }> {
  const started = Date.now();
  const error = await rampartErrorOf(call);
  return { ms: Date.now() - started, error };
}
