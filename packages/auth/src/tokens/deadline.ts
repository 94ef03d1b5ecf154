import { RampartError } from '@rampart/core';
import { invalidToken } from './token-errors.js';

/**
 * What bounds one call's wait for keys: its cancellation signal and its deadline (a gRPC call's `CallContext` is
 * one). Either may be missing.
 *
 * @example
 * ```ts
 * const bounds: CallBounds = { signal: ctx.signal, deadline: ctx.deadline };
 * ```
 */
export interface CallBounds {
  readonly signal?: AbortSignal | undefined;
  readonly deadline?: Date | undefined;
}

/** The setting that caps every wait for keys, named in the reasons below. */
const CAP_SETTING = 'auth.tokens.jwksTimeoutMs';

/**
 * Starts `work` and waits for it, but no longer than the call's remaining deadline and never longer than `capMs`,
 * the cap: the sooner of the two wins. The call's signal (cancellation) stops the wait too. Whichever ends it
 * rejects with `ERR_TOKEN_INVALID` (`invalid token`) and a reason naming `what` and which bound ended it. A call
 * already cancelled or past its deadline does not start the work. The work itself is not cancelled (other callers
 * may share it, under its own time limit); its later failure is not left unhandled.
 *
 * @example
 * ```ts
 * await withDeadline(() => keys.reload(), 5000, { signal: ctx.signal, deadline: ctx.deadline }, 'JWKS fetch');
 * ```
 */
export function withDeadline<T>(start: () => Promise<T>, capMs: number, call: CallBounds | undefined, what: string): Promise<T> {
  const signal = call?.signal;
  if (signal?.aborted) return Promise.reject(aborted(what, signal));
  const remaining = call?.deadline === undefined ? Number.POSITIVE_INFINITY : call.deadline.getTime() - Date.now();
  if (remaining <= 0) return Promise.reject(invalidToken(`${what} not started: the call's deadline had passed`));
  const byDeadline = remaining < capMs;
  const waitMs = byDeadline ? Math.ceil(remaining) : capMs;
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(aborted(what, signal as AbortSignal)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            invalidToken(
              byDeadline
                ? `${what} stopped at the call's deadline, after ${waitMs} ms (sooner than the ${CAP_SETTING} cap of ${capMs} ms)`
                : `${what} timed out after ${capMs} ms (the ${CAP_SETTING} cap; the call's deadline was later or unset)`,
            ),
          ),
        ),
      waitMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    // Started after the timer is armed: the work's own time limit (the same jwksTimeoutMs, armed inside it) then
    // always fires after this one, so a wait the cap ends is reported as the cap, not as the fetch's own timeout.
    const work = start();
    work.catch(() => undefined);
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

/** The rejection for a call whose signal aborted: at its deadline, or cancelled. */
function aborted(what: string, signal: AbortSignal): RampartError {
  const reason: unknown = signal.reason;
  const atDeadline =
    (RampartError.is(reason) && reason.code === 'ERR_DEADLINE_EXCEEDED') || (reason instanceof Error && reason.name === 'TimeoutError');
  return invalidToken(`${what} aborted: ${atDeadline ? "the call's deadline passed" : 'the call was cancelled'}`);
}
