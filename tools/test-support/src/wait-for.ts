import { setTimeout as sleep } from 'node:timers/promises';
import { preview } from './preview.js';

/** How long to keep trying, and how long to pause between tries. */
export interface WaitOptions {
  /** Give up after this long (default 5 000 ms). */
  readonly timeoutMs?: number;
  /** Pause between tries (default 20 ms). */
  readonly intervalMs?: number;
}

/**
 * Waits until `condition` holds, checking it at once and then every `intervalMs`, instead of sleeping for a
 * guessed time. A condition that throws counts as not yet. After `timeoutMs` it throws
 * `timed out after 5000 ms waiting for <what>` (with the last error thrown, if any), so a failure says what
 * never happened.
 *
 * @example
 * ```ts
 * await waitFor(() => watcher.current?.serialNumber === next.serialNumber, 'the watcher to take the new pair');
 * ```
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 5_000, intervalMs = 20 } = options;
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= end) {
      const last = lastError === undefined ? '' : ` (last try threw ${preview(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/**
 * Runs `attempt` until it resolves to a value `accept` takes (by default: until it resolves at all), and returns
 * that value. After `timeoutMs` it returns the last value (or throws the last error), so the caller's own
 * assertion fails with what was actually seen.
 *
 * @example
 * ```ts
 * const peer = await eventually(() => whoAmI(port), (id) => id === ROTATED_ID);
 * expect(peer).toBe(ROTATED_ID);
 * ```
 */
export async function eventually<T>(attempt: () => Promise<T>, accept: (value: T) => boolean = () => true, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 5_000, intervalMs = 20 } = options;
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
    await sleep(intervalMs);
  }
}
