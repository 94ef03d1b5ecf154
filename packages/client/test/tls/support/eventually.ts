import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `attempt` until it resolves to a value `accept` takes, or `timeoutMs` passed; returns the last value
 * (or throws the last error), so the caller's assertion fails with what was actually seen.
 */
export async function eventually<T>(
  attempt: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 5_000, pauseMs = 100 } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await attempt() };
    } catch (error) {
      outcome = { error };
    }
    if ('value' in outcome && accept(outcome.value)) return outcome.value;
    if (Date.now() >= end) {
      if ('value' in outcome) return outcome.value;
      throw outcome.error;
    }
    await sleep(pauseMs);
  }
}
