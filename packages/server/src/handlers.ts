import {
  status as GrpcStatus,
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { RampartError, type CallContext, type InterceptedResponse } from '@rampart/core';
import type { ServerCallContext } from './call-context.js';
import type { CallRunner, HandlerCall } from './call-runner.js';
import type { CallState } from './call-state.js';
import { grpcMetadataOf, logCallError, serviceErrorOf } from './grpc-status.js';
import { intercepted, messageOf, messagesOf } from './interception.js';
import type { MethodRuntime } from './method-runtime.js';
import { pump, requestsOf, sendHeaders, type Writer } from './stream-io.js';

type Handler = (input: unknown, ctx: CallContext) => unknown;

/**
 * Adapts a Rampart handler (plain async code) to the grpc-js handler of its call kind: Rampart's hooks first (the
 * handler runs only once they all passed), then the interceptors' `intercept` chain around the handler (only for a
 * method that has one), then promises for unary results, iterables for streams (with back-pressure both ways),
 * errors to their mapped status; the call's response headers and trailers go out with them.
 */
export function adaptHandler(runtime: MethodRuntime, handler: Handler, runner: CallRunner): UntypedHandleCall {
  const where = `${runtime.info.service}.${runtime.info.handlerName}`;
  const chain = runtime.intercepts.length > 0 ? runtime.intercepts : undefined;
  const replyWith = (call: HandlerCall, callback: sendUnaryData<unknown>) => (error: RampartError, ctx: ServerCallContext) => {
    callback(serviceErrorOf(error, withHeaders(call, ctx, error)));
  };
  const emitOn = (call: HandlerCall) => (error: RampartError, ctx: ServerCallContext) => {
    call.emit('error', serviceErrorOf(error, withHeaders(call, ctx, error)));
  };

  switch (runtime.info.kind) {
    case 'unary': {
      const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
        const state = runner.begin(runtime, call, replyWith(call, callback));
        const done = (response: unknown) => respond(state, call, callback, response, where);
        runner.admit(runtime, state, () =>
          chain === undefined
            ? settle(state, () => handler(call.request, state.ctx), done)
            : settle(state, () => intercepted(chain, { kind: 'unary', message: call.request }, state.ctx, handler, where), (r) => done(messageOf(r, where))),
        );
      };
      return unary;
    }
    case 'serverStream': {
      const serverStream: handleServerStreamingCall<unknown, unknown> = (call) => {
        const state = runner.begin(runtime, call, emitOn(call));
        const done = () => close(state, call);
        runner.admit(runtime, state, () =>
          chain === undefined
            ? settle(state, () => pump(handler(call.request, state.ctx), call, state, where), done)
            : settle(state, () => pumpResponse(intercepted(chain, { kind: 'serverStream', message: call.request }, state.ctx, handler, where), call, state, where), done),
        );
      };
      return serverStream;
    }
    case 'clientStream': {
      const clientStream: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
        const state = runner.begin(runtime, call, replyWith(call, callback));
        const done = (response: unknown) => respond(state, call, callback, response, where);
        runner.admit(runtime, state, () =>
          chain === undefined
            ? settle(state, () => handler(requestsOf(call, state), state.ctx), done)
            : settle(state, () => intercepted(chain, { kind: 'clientStream', messages: requestsOf(call, state) }, state.ctx, handler, where), (r) => done(messageOf(r, where))),
        );
      };
      return clientStream;
    }
    case 'bidi': {
      const bidi: handleBidiStreamingCall<unknown, unknown> = (call) => {
        const state = runner.begin(runtime, call, emitOn(call));
        const done = () => close(state, call);
        runner.admit(runtime, state, () =>
          chain === undefined
            ? settle(state, () => pump(handler(requestsOf(call, state), state.ctx), call, state, where), done)
            : settle(state, () => pumpResponse(intercepted(chain, { kind: 'bidi', messages: requestsOf(call, state) }, state.ctx, handler, where), call, state, where), done),
        );
      };
      return bidi;
    }
  }
}

/** Writes the messages of an intercepted stream's response, once the chain produced it. */
async function pumpResponse(response: Promise<InterceptedResponse>, call: Writer, state: CallState, where: string): Promise<void> {
  await pump(messagesOf(await response, where), call, state, where);
}

/**
 * The call's trailers to send with `error`, once its headers went out; nothing of either for a server fault, which
 * sends its status and a generic message only.
 */
function withHeaders(call: HandlerCall, ctx: ServerCallContext, error: RampartError): ServerCallContext['pendingTrailers'] {
  if (error.isServerFault) {
    ctx.takeHeaders(); // never sent
    return undefined;
  }
  sendHeaders(call, ctx);
  return ctx.pendingTrailers;
}

/**
 * Runs `run` (the handler, in the call's trace context) and passes what it returned or resolved to to `done`; a
 * throw, a rejection or a throw in `done` ends the call with the mapped status. A handler written as a plain
 * (non-async) method that throws is handled like one that rejects. No promise is made for a synchronous result.
 */
function settle(state: CallState, run: () => unknown, done: (value: unknown) => void): void {
  const fail = (thrown: unknown): void => failCall(state, thrown);
  let result: unknown;
  try {
    result = context.with(state.telemetry.context, run);
  } catch (thrown) {
    fail(thrown);
    return;
  }
  const complete = (value: unknown): void => {
    try {
      done(value);
    } catch (thrown) {
      fail(thrown);
    }
  };
  if (result instanceof Promise) result.then(complete, fail);
  else complete(result);
}

function failCall(state: CallState, thrown: unknown): void {
  const ctx = state.ctx;
  const error = ctx.aborted && !RampartError.is(thrown) ? RampartError.from(ctx.signal.reason) : RampartError.from(thrown);
  if (state.ended) {
    // Cancelled or ended by a hook: the client has its status already; a server fault is still worth a log line.
    if (error !== state.error) context.with(state.telemetry.context, logCallError, undefined, ctx.logger, error);
    return;
  }
  state.fail(error);
}

function respond(state: CallState, call: HandlerCall, callback: sendUnaryData<unknown>, response: unknown, where: string): void {
  if (state.ended) return;
  const message = checkResponse(response, where);
  sendHeaders(call, state.ctx);
  callback(null, message, grpcMetadataOf(state.ctx.pendingTrailers));
  state.finish(GrpcStatus.OK);
}

function close(state: CallState, call: HandlerCall & { end(metadata?: unknown): unknown }): void {
  if (state.ended) return;
  sendHeaders(call, state.ctx);
  const trailers = grpcMetadataOf(state.ctx.pendingTrailers);
  if (trailers === undefined) call.end();
  else call.end(trailers);
  state.finish(GrpcStatus.OK);
}

function checkResponse(response: unknown, where: string): unknown {
  if (response === null || typeof response !== 'object') {
    throw new RampartError('ERR_INTERNAL', 'internal error', {
      cause: new TypeError(`${where} returned ${response === null ? 'null' : typeof response} instead of a response message`),
    });
  }
  return response;
}
