import {
  Metadata,
  ServerInterceptingCall,
  status as GrpcStatus,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { RampartError, STATUS_BY_CODE, type CallControl, type ErrorCode, type Logger } from '@rampart/core';
import { RPC_SPAN, type RpcTelemetry } from '@rampart/telemetry';
import { ServerCallContext } from './call-context.js';
import { CallState } from './call-state.js';
import { cancellationError, logCallError } from './grpc-status.js';
import type { MethodRuntime } from './method-table.js';
import type { PeerIdentityCache } from './tls/peer-cache.js';

/** Links the grpc-js handler call to the state the interceptor made for it (keyed by its metadata object). */
export type CallStates = WeakMap<Metadata, CallState>;

/** Dependencies of the call interceptor. */
export interface CallInterceptorDeps {
  readonly methods: ReadonlyMap<string, MethodRuntime>;
  readonly states: CallStates;
  readonly inFlight: Set<CallState>;
  readonly logger: Logger;
  readonly telemetry: RpcTelemetry;
  readonly peers: PeerIdentityCache;
}

/**
 * The one grpc-js server interceptor Rampart installs. When a call's metadata arrives it creates the call's
 * context and span and runs the method's `onStart` hooks; the request is released to the handler only after all of
 * them passed, so a refused call never reaches handler code (for all four call kinds). It runs the `onEnd` hooks
 * when the status is sent or the call is cancelled. Calls to methods Rampart does not own (health, reflection) pass
 * through untouched.
 */
export function createCallInterceptor(deps: CallInterceptorDeps): ServerInterceptor {
  return (descriptor, call: ServerInterceptingCallInterface) => {
    const runtime = deps.methods.get(descriptor.path);
    if (!runtime) return new ServerInterceptingCall(call);
    let state: CallState | undefined;
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, passOn) {
            const ctx = new ServerCallContext(runtime.info, metadata, deadlineOf(call), deps.logger);
            ctx.peer = deps.peers.of(call);
            const telemetry = deps.telemetry.startServerCall(runtime.info, metadata);
            // Only a recording span is worth handing on (without an SDK, nobody reads it).
            if (telemetry.span.isRecording()) ctx.values.set(RPC_SPAN, telemetry.span);
            state = new CallState(ctx, telemetry, runtime.ends, deps.logger, deps.inFlight);
            deps.inFlight.add(state);
            deps.states.set(metadata, state);
            if (runtime.starts.length === 0) {
              passOn(metadata);
              return;
            }
            const current = state;
            const control: CallControl = {
              end(error) {
                if (current.ended) return;
                logCallError(ctx.logger, error);
                current.error = error;
                ctx.abort(error);
                intercepting.sendStatus({ code: error.status, details: error.publicMessage, metadata: new Metadata() });
              },
            };
            const refuse = (thrown: unknown): void => {
              const error = RampartError.from(thrown);
              logCallError(ctx.logger, error);
              current.error = error;
              intercepting.sendStatus({ code: error.status, details: error.publicMessage, metadata: new Metadata() });
            };
            const release = (): void => {
              if (!current.ended) passOn(metadata);
            };
            // Synchronous while the hooks are (mTLS, cached tokens): no promise, no extra tick before the handler.
            let pending: Promise<void> | undefined;
            try {
              pending = runStarts(runtime.starts, ctx, control);
            } catch (thrown) {
              refuse(thrown);
              return;
            }
            if (pending === undefined) release();
            else pending.then(release, refuse);
          },
          onCancel() {
            if (!state || state.ended) return;
            const error = cancellationError(state.ctx.deadline);
            state.ctx.abort(error);
            state.finish(error.status, error);
          },
        });
      },
      sendStatus(status, next) {
        if (state) {
          if (status.code !== GrpcStatus.OK && state.error === undefined) {
            // A status grpc-js sent itself (undecodable message, message too large, ...).
            state.error = new RampartError(errorCodeForStatus(status.code), status.details);
          }
          state.finish(status.code);
        }
        next(status);
      },
    });
    return intercepting;
  };
}

/**
 * Runs the `onStart` hooks in order. Returns undefined when all of them finished synchronously, else a promise
 * for the rest; a synchronous throw propagates.
 */
function runStarts(starts: MethodRuntime['starts'], ctx: ServerCallContext, control: CallControl): Promise<void> | undefined {
  for (let i = 0; i < starts.length; i++) {
    const result = (starts[i] as MethodRuntime['starts'][number])(ctx, control);
    if (result instanceof Promise) return result.then(() => runStartsAsync(starts, i + 1, ctx, control));
  }
  return undefined;
}

async function runStartsAsync(starts: MethodRuntime['starts'], from: number, ctx: ServerCallContext, control: CallControl): Promise<void> {
  for (let i = from; i < starts.length; i++) await (starts[i] as MethodRuntime['starts'][number])(ctx, control);
}

function deadlineOf(call: ServerInterceptingCallInterface): Date | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

const CODE_BY_STATUS = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(STATUS_BY_CODE) as [ErrorCode, number][]) {
  if (!CODE_BY_STATUS.has(status)) CODE_BY_STATUS.set(status, code);
}

function errorCodeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? 'ERR_INTERNAL';
}
