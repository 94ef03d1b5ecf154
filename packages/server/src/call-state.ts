import { context } from '@opentelemetry/api';
import { errorForCaller, RampartError, type CallControl, type CallOutcome, type MethodInterceptor } from '@rampart/core';
import type { RpcCallTelemetry } from '@rampart/telemetry';
import type { Logger } from '@rampart/core';
import type { AccessLog } from './access-log.js';
import type { ServerCallContext } from './call-context.js';
import { logCallError } from './grpc-status.js';
import type { InFlightCalls, InFlightEntry } from './in-flight.js';

/**
 * Sends an error status to the client, the way the call's kind does it (callback, or the stream's `error`), with the
 * call's response headers and trailers unless the error is a server fault.
 */
export type EndCall = (error: RampartError, ctx: ServerCallContext) => void;

/**
 * What the server knows about one call in flight, shared by its hooks and its handler adapter. It is also the
 * call's `CallControl`: `end(error)` ends the call from a hook, later (token expiry on a long stream).
 */
export class CallState implements CallControl, InFlightEntry {
  /** The error that ended the call, set by whoever ends it with an error. */
  error: RampartError | undefined = undefined;
  inFlightPrev: InFlightEntry | undefined = undefined;
  inFlightNext: InFlightEntry | undefined = undefined;
  /**
   * How the grpc-js call's `cancelled` listener reaches this state; emptied when the call ends. Node's HTTP/2 layer
   * keeps a finished call's objects reachable for a while (docs/benchmarks.md, "Two GC regimes"): through this link
   * they do not keep Rampart's per-call objects (context, span, auth state) alive with them.
   */
  readonly link: { state: CallState | undefined } = { state: this };
  #ended = false;

  constructor(
    readonly ctx: ServerCallContext,
    readonly telemetry: RpcCallTelemetry,
    private readonly ends: readonly NonNullable<MethodInterceptor['onEnd']>[],
    private readonly logger: Logger,
    private readonly inFlight: InFlightCalls<CallState>,
    private readonly endCall: EndCall,
    private readonly accessLog: AccessLog | undefined,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Ends the call with `error` (if it has not ended): logs it, aborts `ctx.signal`, sends the error's status to the
   * client and runs the `onEnd` hooks. A downstream call's error that escaped the handler is first answered by the
   * downstream rule (`errorForCaller`); the downstream error stays its cause, for the log.
   */
  fail(escaped: RampartError): void {
    if (this.#ended) return;
    // RampartError.from rebuilds one from another copy of the package: what is sent is always checked.
    const error = errorForCaller(RampartError.from(escaped));
    this.error = error;
    // In the call's trace context (a rejection may settle outside it), so the line carries the call's trace id.
    context.with(this.telemetry.context, logCallError, undefined, this.ctx.logger, error);
    this.ctx.abort(error);
    this.endCall(error, this.ctx);
    this.finish(error.status, error);
  }

  end(error: RampartError): void {
    this.fail(error);
  }

  /** Runs the `onEnd` hooks (in reverse order), ends the span and forgets the call. Only the first call counts. */
  finish(status: number, error: RampartError | undefined = this.error): void {
    if (this.#ended) return;
    this.#ended = true;
    const outcome: CallOutcome = { status: status as CallOutcome['status'], error };
    for (let i = this.ends.length - 1; i >= 0; i--) {
      try {
        (this.ends[i] as NonNullable<MethodInterceptor['onEnd']>)(this.ctx, outcome);
      } catch (hookError) {
        this.logger.error({ err: hookError, rpc: this.ctx.method.path }, 'an interceptor onEnd hook threw');
      }
    }
    this.accessLog?.record(this.ctx, status, error, this.telemetry.context);
    this.telemetry.end(status, error);
    this.inFlight.remove(this);
    this.link.state = undefined;
  }
}
