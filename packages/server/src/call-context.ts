import { randomUUID } from 'node:crypto';
import {
  RampartError,
  ResponseMetadata,
  type CallContext,
  type CallIdentityWriter,
  type ContextValues,
  type IncomingMetadata,
  type Logger,
  type MethodInfo,
  type PeerIdentity,
  type Principal,
} from '@rampart/core';
import { createContextValues } from '@rampart/core/internal';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The writer the server grants to interceptors that enforce auth decisions (see `CallIdentityWriter`); made by
 * `ServerCallContext`'s static block, which can write its private fields.
 */
export let serverIdentityWriter: CallIdentityWriter;

/** A write the identity writer refuses: a server fault (the call fails closed with INTERNAL). */
function identityFault(write: string, why: string): RampartError {
  return new RampartError('ERR_INTERNAL', 'internal error', { reason: `CallIdentityWriter.${write} refused: ${why}` });
}

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
  #peer: PeerIdentity | undefined;
  #principal: Principal | undefined = undefined;
  #verifiedBearer: string | undefined = undefined;
  /** Set when the call was admitted (every `onStart` hook passed): its identity is final. */
  #admitted = false;
  readonly #rootLogger: Logger;
  #logger: Logger | undefined;
  #requestId: string | undefined;
  #values: ContextValues | undefined;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #abortWaiter: (() => void) | undefined;
  #headers: ResponseMetadata | undefined;
  #trailers: ResponseMetadata | undefined;
  #headersSent = false;

  // Every member is a private field behind a getter: nothing on a context can be assigned (`ctx.metadata = …` throws
  // in strict mode). Freezing the instance as well (against `Object.defineProperty` shadowing a getter, which takes
  // deliberate code in the process) was measured at ~0.1 µs per call, ADR 0043.
  readonly #method: MethodInfo;
  readonly #metadata: IncomingMetadata;
  readonly #deadline: Date | undefined;
  readonly #startedAt: number;

  constructor(
    method: MethodInfo,
    metadata: IncomingMetadata,
    deadline: Date | undefined,
    rootLogger: Logger,
    peer: PeerIdentity | undefined,
    startedAt: number = performance.now(),
  ) {
    this.#method = method;
    this.#metadata = metadata;
    this.#deadline = deadline;
    this.#startedAt = startedAt;
    this.#rootLogger = rootLogger;
    this.#peer = peer;
  }

  get method(): MethodInfo {
    return this.#method;
  }

  get metadata(): IncomingMetadata {
    return this.#metadata;
  }

  get deadline(): Date | undefined {
    return this.#deadline;
  }

  get startedAt(): number {
    return this.#startedAt;
  }

  get peer(): PeerIdentity | undefined {
    return this.#peer;
  }

  get principal(): Principal | undefined {
    return this.#principal;
  }

  get verifiedBearer(): string | undefined {
    return this.#verifiedBearer;
  }

  /** Marks the call admitted: from now on its principal, peer and verified bearer cannot change. */
  admit(): void {
    this.#admitted = true;
  }

  static {
    // Not a property of the class: the writer is granted (method-runtime.ts), never found through `ctx.constructor`.
    serverIdentityWriter = ServerCallContext.#makeWriter();
  }

  static #makeWriter(): CallIdentityWriter {
    return {
    authenticate(ctx, principal) {
      const own = ServerCallContext.#writable(ctx, 'authenticate');
      if (own.#principal !== undefined) throw identityFault('authenticate', 'the principal is already set (it is set once per call)');
      own.#principal = principal;
    },
    acceptBearer(ctx, bearer) {
      const own = ServerCallContext.#writable(ctx, 'acceptBearer');
      if (own.#verifiedBearer !== undefined) throw identityFault('acceptBearer', 'the verified bearer is already set (it is set once per call)');
      own.#verifiedBearer = bearer;
    },
    withdrawPeer(ctx) {
      ServerCallContext.#writable(ctx, 'withdrawPeer').#peer = undefined;
    },
    };
  }

  /** The server's own context behind `ctx`, if its identity may still change. */
  static #writable(ctx: CallContext, write: string): ServerCallContext {
    if (!(ctx instanceof ServerCallContext)) throw identityFault(write, 'the context is not one the server made');
    if (ctx.#admitted) throw identityFault(write, 'the call was already admitted (identity is final once the handler may run)');
    return ctx;
  }

  get responseHeaders(): ResponseMetadata {
    this.#headers ??= new ResponseMetadata('response header', () =>
      this.#headersSent ? 'the response headers were already sent (with the first response message)' : undefined,
    );
    return this.#headers;
  }

  get responseTrailers(): ResponseMetadata {
    this.#trailers ??= new ResponseMetadata('response trailer');
    return this.#trailers;
  }

  /**
   * The response headers to send now, if any were set, and whether the server should still send them; from now on
   * they cannot change. Called once, before the first response message or the status.
   */
  takeHeaders(): ResponseMetadata | undefined {
    if (this.#headersSent) return undefined;
    this.#headersSent = true;
    return this.#headers !== undefined && this.#headers.size > 0 ? this.#headers : undefined;
  }

  /** Whether the response headers were sent (or can no longer be). */
  get headersSent(): boolean {
    return this.#headersSent;
  }

  /** The response trailers, if any were set. */
  get pendingTrailers(): ResponseMetadata | undefined {
    return this.#trailers !== undefined && this.#trailers.size > 0 ? this.#trailers : undefined;
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
