import { invalidToken } from './token-errors.js';

/**
 * Waits for `work`, but no longer than `timeoutMs` and no longer than `signal` stays unaborted. Whichever ends
 * first rejects with `ERR_TOKEN_INVALID` (`invalid token`) and a reason naming `what`. The work itself is not
 * cancelled (it may be shared by other callers); its later failure is not left unhandled.
 *
 * @example
 * ```ts
 * await withDeadline(jwks.reload(), 1500, ctx.signal, 'JWKS fetch');
 * ```
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  work.catch(() => undefined);
  if (signal?.aborted) {
    return Promise.reject(invalidToken(`${what} aborted: the call was cancelled or its deadline passed`));
  }
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void =>
      finish(() => reject(invalidToken(`${what} aborted: the call was cancelled or its deadline passed`)));
    const timer = setTimeout(
      () => finish(() => reject(invalidToken(`${what} timed out after ${timeoutMs} ms`))),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
