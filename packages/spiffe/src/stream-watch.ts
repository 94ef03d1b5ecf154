import { status as GrpcStatus, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';
import { Backoff, type BackoffOptions } from './backoff.js';

/**
 * What a watch reports besides updates: a response it refused (`bad-response`: the stream stays up, the previous
 * good state stands), a broken stream with the delay before the next attempt (`stream-down`), or the end of the
 * watch (`stopped`: the agent answered InvalidArgument or Unimplemented, which the specification says not to retry).
 *
 * @example
 * ```ts
 * const problem: WatchProblem = { kind: 'stream-down', retryInMs: 1000, attempt: 1 };
 * ```
 */
export type WatchProblem =
  | { readonly kind: 'bad-response' }
  | { readonly kind: 'stream-down'; readonly retryInMs: number; readonly attempt: number }
  | { readonly kind: 'stopped' };

/**
 * Receives a watch's updates and problems. Neither is ever thrown at.
 *
 * @example
 * ```ts
 * const listener: WatchListener<X509Context> = {
 *   onUpdate: (context) => use(context),
 *   onError: (error, problem) => logger.warn({ err: error, problem }, 'Workload API'),
 * };
 * ```
 */
export interface WatchListener<T> {
  onUpdate(value: T): void;
  onError(error: RampartError, problem: WatchProblem): void;
}

/**
 * A running watch.
 *
 * @example
 * ```ts
 * const watch: Watch = client.watchX509Context(listener);
 * watch.close();
 * ```
 */
export interface Watch {
  /** Ends the stream and any pending reconnect. */
  close(): void;
}

/** Codes after which the specification says not to retry (SPIFFE Workload Endpoint, appendix A). */
const FINAL_CODES = new Set<number>([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.UNIMPLEMENTED]);

/**
 * Keeps a server stream open: each message is parsed and handed to `onUpdate` (a message that does not parse goes to
 * `onError` as `bad-response`); when the stream ends or fails it reconnects after the backoff's delay, reset by each
 * message that arrives.
 *
 * @example
 * ```ts
 * const watch = watchStream((metadata) => stub.FetchX509SVID({}, metadata), 'FetchX509SVID', parseX509Context, listener, {});
 * ```
 */
export function watchStream<M, T>(
  open: () => ClientReadableStream<M>,
  rpc: string,
  parse: (message: M) => T,
  listener: WatchListener<T>,
  backoffOptions: BackoffOptions,
): Watch {
  const backoff = new Backoff(backoffOptions);
  let closed = false;
  let stream: ClientReadableStream<M> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const report = (error: RampartError, problem: WatchProblem): void => {
    try {
      listener.onError(error, problem);
    } catch {
      // a listener's failure is its own; the watch goes on
    }
  };

  const connect = (): void => {
    timer = undefined;
    if (closed) return;
    let ended = false;
    const current = open();
    stream = current;
    const down = (error: RampartError, code: number | undefined): void => {
      if (ended || closed) return;
      ended = true;
      current.removeAllListeners();
      current.on('error', () => undefined);
      current.cancel();
      if (code !== undefined && FINAL_CODES.has(code)) {
        report(error, { kind: 'stopped' });
        return;
      }
      const retryInMs = backoff.next();
      report(error, { kind: 'stream-down', retryInMs, attempt: backoff.attempt });
      timer = setTimeout(connect, retryInMs);
      timer.unref();
    };
    current.on('data', (message: M) => {
      if (ended || closed) return;
      backoff.reset();
      let value: T;
      try {
        value = parse(message);
      } catch (error) {
        report(new RampartError('ERR_DATA_LOSS', `the Workload API sent a ${rpc} response that was refused: ${(error as Error).message}`, { cause: error }), {
          kind: 'bad-response',
        });
        return;
      }
      try {
        listener.onUpdate(value);
      } catch {
        // as above
      }
    });
    current.on('error', (error: ServiceError) => down(callError(rpc, error), error.code));
    current.on('end', () =>
      down(new RampartError('ERR_UNAVAILABLE', `the Workload API ended the ${rpc} stream`), undefined),
    );
  };

  connect();
  return {
    close(): void {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (stream !== undefined) {
        stream.removeAllListeners();
        stream.on('error', () => undefined);
        stream.cancel();
      }
    },
  };
}

/**
 * A failed Workload API call as a RampartError: UNAVAILABLE for an agent that is away or restarting, otherwise the
 * code of the status (PermissionDenied: no identity for this workload yet), with the agent's message.
 *
 * @example
 * ```ts
 * throw callError('FetchJWTSVID', serviceError);
 * ```
 */
export function callError(rpc: string, error: ServiceError): RampartError {
  const code = CODES[error.code] ?? 'ERR_UNAVAILABLE';
  const details = (error.details || error.message || '').slice(0, 300);
  return new RampartError(code, `Workload API ${rpc} failed: ${GrpcStatus[error.code] ?? error.code}${details === '' ? '' : ` (${details})`}`, {
    cause: error,
  });
}

const CODES: Partial<Record<number, 'ERR_INVALID_ARGUMENT' | 'ERR_PERMISSION_DENIED' | 'ERR_UNIMPLEMENTED' | 'ERR_DEADLINE_EXCEEDED' | 'ERR_CANCELLED'>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 'ERR_INVALID_ARGUMENT',
  [GrpcStatus.PERMISSION_DENIED]: 'ERR_PERMISSION_DENIED',
  [GrpcStatus.UNIMPLEMENTED]: 'ERR_UNIMPLEMENTED',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'ERR_DEADLINE_EXCEEDED',
  [GrpcStatus.CANCELLED]: 'ERR_CANCELLED',
};
