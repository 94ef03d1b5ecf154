import { randomUUID } from 'node:crypto';
import type {
  CallContext,
  ContextValues,
  IncomingMetadata,
  Logger,
  MethodInfo,
  PeerIdentity,
  Principal,
} from '@rampart/core';
import { createContextValues } from '@rampart/core/internal';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id of a call: the caller's `x-request-id` when it is well-formed, else a new UUID. */
export function requestIdOf(metadata: IncomingMetadata): string {
  const given = metadata.get('x-request-id')[0];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The CallContext of one call. Everything a call may never use is made on first use — the request id, the typed
 * values, the abort signal and the per-call child logger — so a call that needs none of them (a cached,
 * allowed decision and a plain handler) does not pay for them.
 */
export class ServerCallContext implements CallContext {
  peer: PeerIdentity | undefined = undefined;
  principal: Principal | undefined = undefined;
  verifiedBearer: string | undefined = undefined;
  readonly #rootLogger: Logger;
  #logger: Logger | undefined;
  #requestId: string | undefined;
  #values: ContextValues | undefined;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #abortWaiter: (() => void) | undefined;

  constructor(
    readonly method: MethodInfo,
    readonly metadata: IncomingMetadata,
    readonly deadline: Date | undefined,
    rootLogger: Logger,
    readonly startedAt: number = performance.now(),
  ) {
    this.#rootLogger = rootLogger;
  }

  get requestId(): string {
    this.#requestId ??= requestIdOf(this.metadata);
    return this.#requestId;
  }

  get values(): ContextValues {
    this.#values ??= createContextValues();
    return this.#values;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  get logger(): Logger {
    this.#logger ??= this.#rootLogger.child({
      rpc: this.method.path,
      requestId: this.requestId,
      ...(this.principal ? { sub: this.principal.subject } : {}),
      ...(this.peer?.spiffeId ? { peer: this.peer.spiffeId } : {}),
    });
    return this.#logger;
  }

  set logger(logger: Logger) {
    this.#logger = logger;
  }

  /** Whether the call was aborted (without creating the signal). */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Aborts `signal` with `reason` (once). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    const waiter = this.#abortWaiter;
    this.#abortWaiter = undefined;
    waiter?.();
  }

  /**
   * Calls `wake` once if the call is aborted (one waiter at a time; `undefined` clears it). The stream pump waits
   * for `drain` with it instead of an `AbortSignal` listener, which costs more than the wait.
   */
  wakeOnAbort(wake: (() => void) | undefined): void {
    this.#abortWaiter = wake;
  }
}
