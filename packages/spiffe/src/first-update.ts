import { RampartError } from '@rampart/core';
import type { WatchProblem } from './stream-watch.js';

/** How long `create` waits for the first good response by default. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * How long a source's `create` waits.
 *
 * @example
 * ```ts
 * const options: FirstUpdateOptions = { timeoutMs: 10_000 };
 * ```
 */
export interface FirstUpdateOptions {
  /** How long `create` waits for the first good response before it rejects. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * How `firstUpdate` follows a source: subscribe to its first update and its errors; the returned function unsubscribes.
 */
type Subscribe = (onUpdate: () => void, onError: (error: RampartError, problem: WatchProblem) => void) => () => void;

/**
 * Starts a source and resolves at its first `update`; rejects when the watch stops for good (the agent said not to
 * retry) or after the timeout, naming what was awaited and the last problem seen.
 *
 * @example
 * ```ts
 * await firstUpdate(subscribe, 'an X.509-SVID from unix:///run/agent.sock', options, () => source.start());
 * ```
 */
export function firstUpdate(
  subscribe: Subscribe,
  what: string,
  options: FirstUpdateOptions,
  start: () => void,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<void>((resolve, reject) => {
    let last: RampartError | undefined;
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
    };
    const onUpdate = (): void => {
      done();
      resolve();
    };
    const onError = (error: RampartError, problem: WatchProblem): void => {
      last = error;
      if (problem.kind === 'stopped') {
        done();
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new RampartError('ERR_UNAVAILABLE', `no ${what} within ${timeoutMs} ms${last === undefined ? '' : ` (last problem: ${last.message})`}; is the SPIRE agent running and is this workload registered?`, {
          cause: last,
        }),
      );
    }, timeoutMs);
    const unsubscribe = subscribe(onUpdate, onError);
    start();
  });
}
