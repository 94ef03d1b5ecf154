import type { EventEmitter } from 'node:events';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { PEER_REFUSAL, RampartError, settleHookResult, type CallControl, type Logger } from '@rampart/core';
import { RPC_SPAN, type RpcTelemetry } from '@rampart/telemetry';
import type { AccessLog } from './access-log.js';
import { ServerCallContext } from './call-context.js';
import { CallState, type EndCall } from './call-state.js';
import { cancellationError } from './grpc-status.js';
import type { InFlightCalls } from './in-flight.js';
import type { MethodRuntime } from './method-runtime.js';
import { PeerRefusal, type PeerIdentityCache } from './tls/peer-cache.js';

/** What the handler call objects of all four call kinds have in common. */
export type HandlerCall = Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'getAuthContext' | 'metadata' | 'sendMetadata'> & EventEmitter;

/** Dependencies of the call runner. */
export interface CallRunnerDeps {
  readonly inFlight: InFlightCalls<CallState>;
  readonly logger: Logger;
  readonly telemetry: RpcTelemetry;
  readonly peers: PeerIdentityCache;
  /** The access log, when `log.access` is on. */
  readonly accessLog: AccessLog | undefined;
}

/**
 * Starts Rampart's side of each call, from inside the grpc-js handler of its method (see ADR 0007): the call's
 * context and span, its peer identity, its `onStart` hooks. The handler adapter runs the handler only once every
 * hook passed, so a refused call never reaches handler code, for all four call kinds.
 */
export class CallRunner {
  constructor(private readonly deps: CallRunnerDeps) {}

  /** The state of a call that has just reached its grpc-js handler; `end` ends it with an error status. */
  begin(runtime: MethodRuntime, call: HandlerCall, end: EndCall): CallState {
    const { deps } = this;
    const metadata = call.metadata;
    // One clock read per call: the call's duration (telemetry) and its auth decision's both start here.
    const startedAt = performance.now();
    const peer = deps.peers.lookup(call);
    // A certificate TLS verified but whose chain does not lead to its own trust domain's bundle counts as none.
    const refused = peer instanceof PeerRefusal;
    const ctx = new ServerCallContext(runtime.info, metadata, deadlineOf(call), deps.logger, refused ? undefined : peer, startedAt);
    if (refused) ctx.values.set(PEER_REFUSAL, peer.reason);
    const telemetry = deps.telemetry.startServerCall(runtime.info, metadata, startedAt);
    // Only a recording span is worth handing on (without an SDK, nobody reads it).
    if (telemetry.span.isRecording()) ctx.values.set(RPC_SPAN, telemetry.span);
    const state = new CallState(ctx, telemetry, runtime.ends, deps.logger, deps.inFlight, end, deps.accessLog);
    deps.inFlight.add(state);
    // grpc-js keeps the call's listeners as long as the call object lives; the link lets the state go when the call
    // ends (see CallState.link), instead of removing the listener, which costs more.
    const link = state.link;
    call.on('cancelled', () => {
      const current = link.state;
      if (current === undefined || current.ended) return;
      const error = cancellationError(current.ctx.deadline);
      current.ctx.abort(error);
      current.finish(error.status, error);
    });
    return state;
  }

  /**
   * Runs the method's `onStart` hooks in order, in the call's trace context, and calls `proceed` once all of them
   * passed: synchronously while the hooks are (mTLS, cached tokens), else after the last one settled. A hook that throws ends the call with
   * the error's status; `proceed` is then never called.
   */
  admit(runtime: MethodRuntime, state: CallState, proceed: () => void): void {
    const starts = runtime.starts;
    if (starts.length === 0) {
      state.ctx.admit();
      proceed();
      return;
    }
    let pending: Promise<void> | undefined;
    try {
      // In the call's trace context, like the handler: what the hooks log (the auth audit line) carries its trace id.
      pending = context.with(state.telemetry.context, runStarts, undefined, runtime, state.ctx, state);
    } catch (thrown) {
      state.fail(RampartError.from(thrown));
      return;
    }
    if (pending === undefined) {
      admitted(state, proceed);
      return;
    }
    pending.then(
      () => admitted(state, proceed),
      (thrown: unknown) => state.fail(RampartError.from(thrown)),
    );
  }
}

/** Lets the handler run a call every hook passed (unless it ended meanwhile); its identity is final from here. */
function admitted(state: CallState, proceed: () => void): void {
  if (state.ended) return;
  state.ctx.admit();
  proceed();
}

/**
 * Runs the `onStart` hooks in order. Returns undefined when all of them finished synchronously, else a promise
 * for the rest; a synchronous throw propagates. Whatever a hook returns goes through `settleHookResult`: a
 * thenable of any kind is awaited (a non-native one is never taken for a synchronous success), and a value that is
 * neither nothing nor a thenable refuses the call with INTERNAL.
 */
function runStarts(runtime: MethodRuntime, ctx: ServerCallContext, control: CallControl): Promise<void> | undefined {
  const starts = runtime.starts;
  for (let i = 0; i < starts.length; i++) {
    const result = (starts[i] as MethodRuntime['starts'][number])(ctx, control);
    // Nothing to settle, and no name to build, for a hook that returned nothing (the usual synchronous case).
    const pending = result === undefined ? undefined : settleHookResult(result, hookName(runtime, i));
    if (pending !== undefined) {
      // The last hook's own promise is the answer (the usual case: auth is the one asynchronous hook).
      return i + 1 === starts.length ? pending : pending.then(() => runStartsAsync(runtime, i + 1, ctx, control));
    }
  }
  return undefined;
}

/** The hooks after an asynchronous one, in order; a synchronous one is not awaited (no microtask for it). */
async function runStartsAsync(runtime: MethodRuntime, from: number, ctx: ServerCallContext, control: CallControl): Promise<void> {
  const starts = runtime.starts;
  for (let i = from; i < starts.length; i++) {
    const result = (starts[i] as MethodRuntime['starts'][number])(ctx, control);
    if (result !== undefined) await settleHookResult(result, hookName(runtime, i));
  }
}

/** How a refusal's reason names the hook: its position among the method's `onStart` hooks and the interceptors. */
function hookName(runtime: MethodRuntime, index: number): string {
  return `onStart hook ${index + 1} of ${runtime.starts.length} on ${runtime.info.path} (interceptors: ${runtime.interceptors.join(', ')})`;
}

function deadlineOf(call: HandlerCall): Date | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
