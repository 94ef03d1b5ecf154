import { randomUUID } from 'node:crypto';
import {
  createContextValues,
  type CallContext,
  type ContextValues,
  type IncomingMetadata,
  type Logger,
  type MethodInfo,
  type PeerIdentity,
  type Principal,
} from '@rampart/core';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id of a call: the caller's `x-request-id` when it is well-formed, else a new UUID. */
export function requestIdOf(metadata: IncomingMetadata): string {
  const given = metadata.get('x-request-id')[0];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The CallContext of one call. The per-call logger is created on first use, so calls that never log do not pay
 * for a child logger.
 */
export class ServerCallContext implements CallContext {
  readonly values: ContextValues = createContextValues();
  peer: PeerIdentity | undefined = undefined;
  principal: Principal | undefined = undefined;
  readonly requestId: string;
  readonly #controller = new AbortController();
  readonly #rootLogger: Logger;
  #logger: Logger | undefined;

  constructor(
    readonly method: MethodInfo,
    readonly metadata: IncomingMetadata,
    readonly deadline: Date | undefined,
    rootLogger: Logger,
  ) {
    this.#rootLogger = rootLogger;
    this.requestId = requestIdOf(metadata);
  }

  get signal(): AbortSignal {
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

  /** Aborts `signal` with `reason` (once). */
  abort(reason: unknown): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }
}
