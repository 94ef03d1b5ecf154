import {
  status as GrpcStatus,
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerWritableStream,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { RampartError, type CallContext } from '@rampart/core';
import type { CallRunner, HandlerCall } from './call-runner.js';
import type { CallState } from './call-state.js';
import { logCallError, serviceErrorOf } from './grpc-status.js';
import type { MethodRuntime } from './method-runtime.js';

type Handler = (input: unknown, ctx: CallContext) => unknown;

/**
 * Adapts a Rampart handler (plain async code) to the grpc-js handler of its call kind: Rampart's hooks first (the
 * handler runs only once they all passed), then promises for unary results, iterables for streams (with
 * back-pressure both ways), errors to their mapped status.
 */
export function adaptHandler(runtime: MethodRuntime, handler: Handler, runner: CallRunner): UntypedHandleCall {
  const where = `${runtime.info.service}.${runtime.info.handlerName}`;
  const replyWith = (callback: sendUnaryData<unknown>) => (error: RampartError) => callback(serviceErrorOf(error));
  const emitOn = (call: HandlerCall) => (error: RampartError) => void call.emit('error', serviceErrorOf(error));

  switch (runtime.info.kind) {
    case 'unary': {
      const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
        const state = runner.begin(runtime, call, replyWith(callback));
        runner.admit(runtime, state, () =>
          settle(state, () => handler(call.request, state.ctx), (response) => respond(state, callback, response, where)),
        );
      };
      return unary;
    }
    case 'serverStream': {
      const serverStream: handleServerStreamingCall<unknown, unknown> = (call) => {
        const state = runner.begin(runtime, call, emitOn(call));
        runner.admit(runtime, state, () =>
          settle(state, () => pump(handler(call.request, state.ctx), call, state, where), () => close(state, call)),
        );
      };
      return serverStream;
    }
    case 'clientStream': {
      const clientStream: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
        const state = runner.begin(runtime, call, replyWith(callback));
        runner.admit(runtime, state, () =>
          settle(state, () => handler(requestsOf(call, state), state.ctx), (response) => respond(state, callback, response, where)),
        );
      };
      return clientStream;
    }
    case 'bidi': {
      const bidi: handleBidiStreamingCall<unknown, unknown> = (call) => {
        const state = runner.begin(runtime, call, emitOn(call));
        runner.admit(runtime, state, () =>
          settle(state, () => pump(handler(requestsOf(call, state), state.ctx), call, state, where), () => close(state, call)),
        );
      };
      return bidi;
    }
  }
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

function respond(state: CallState, callback: sendUnaryData<unknown>, response: unknown, where: string): void {
  if (state.ended) return;
  callback(null, checkResponse(response, where));
  state.finish(GrpcStatus.OK);
}

function close(state: CallState, call: HandlerCall & { end(): unknown }): void {
  if (state.ended) return;
  call.end();
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

function checkMessage(message: unknown, where: string): void {
  if (message === null || typeof message !== 'object') {
    throw new RampartError('ERR_INTERNAL', 'internal error', {
      cause: new TypeError(`${where} yielded ${message === null ? 'null' : typeof message} instead of a message`),
    });
  }
}

type Writer = ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/**
 * Writes every message the handler yields, waiting for 'drain' when the transport's buffer is full. An async
 * iterable (an `async *` generator) is the general form; a synchronous iterable (a `*` generator, an array) is
 * written in a plain loop, with no promise per message, and waits only when the transport pushes back.
 */
function pump(output: unknown, call: Writer, state: CallState, where: string): Promise<void> | undefined {
  if (output !== null && typeof output === 'object') {
    if (Symbol.asyncIterator in output) return pumpAsync(output as AsyncIterable<unknown>, call, state, where);
    if (Symbol.iterator in output) return pumpSync((output as Iterable<unknown>)[Symbol.iterator](), call, state, where);
  }
  throw new RampartError('ERR_INTERNAL', 'internal error', {
    cause: new TypeError(
      `${where} must return an iterable of messages (write it as a generator: async *${where.split('.').pop()}(...) or *${where.split('.').pop()}(...))`,
    ),
  });
}

async function pumpAsync(output: AsyncIterable<unknown>, call: Writer, state: CallState, where: string): Promise<void> {
  const ctx = state.ctx;
  for await (const message of output) {
    if (ctx.aborted) break;
    checkMessage(message, where);
    if (!call.write(message)) await drained(call, state);
  }
}

function pumpSync(iterator: Iterator<unknown>, call: Writer, state: CallState, where: string): Promise<void> | undefined {
  const ctx = state.ctx;
  try {
    for (;;) {
      if (ctx.aborted) {
        iterator.return?.();
        return undefined;
      }
      const next = iterator.next();
      if (next.done === true) return undefined;
      checkMessage(next.value, where);
      // The transport is full: wait for it, then go on with the rest (the generator stays suspended meanwhile).
      if (!call.write(next.value)) return drainThenPump(iterator, call, state, where);
    }
  } catch (error) {
    iterator.return?.();
    throw error;
  }
}

async function drainThenPump(iterator: Iterator<unknown>, call: Writer, state: CallState, where: string): Promise<void> {
  await drained(call, state);
  await pumpSync(iterator, call, state, where);
}

/** Resolves when the transport drained or the call was aborted (the pump then sees `ctx.aborted` and stops). */
function drained(call: Writer, state: CallState): Promise<void> {
  const ctx = state.ctx;
  if (ctx.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = (): void => {
      ctx.wakeOnAbort(undefined);
      resolve();
    };
    call.once('drain', wake);
    ctx.wakeOnAbort(wake);
  });
}

/**
 * The request stream a handler reads: ends when the client half-closes, throws the cancellation when the call is
 * cancelled or ended. Read with `read()` as the handler pulls (back-pressure, as Node's own iterator), but not with
 * Node's iterator: it destroys the stream on an `error` event, and an `error` event is how the server ends a
 * stream with a status (`CallState.fail`). Destroyed before its pending writes flushed, the call would never send
 * that status: a bidi stream ended by a hook (token or certificate expiry, revocation) left the client waiting.
 */
async function* requestsOf(
  call: ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  state: CallState,
): AsyncGenerator<unknown, void, undefined> {
  const ctx = state.ctx;
  let wake: (() => void) | undefined;
  let over = false;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const stop = (): void => {
    over = true;
    notify();
  };
  call.on('readable', notify);
  call.on('end', stop);
  call.on('close', stop);
  call.on('error', stop);
  try {
    for (;;) {
      if (ctx.aborted) throw ctx.signal.reason;
      const message: unknown = call.destroyed ? null : call.read();
      if (message !== null) {
        yield message;
        continue;
      }
      if (call.readableEnded) return;
      if (over) throw new RampartError('ERR_CANCELLED', 'call cancelled', { reason: 'the request stream closed before it ended' });
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    call.off('readable', notify);
    call.off('end', stop);
    call.off('close', stop);
    call.off('error', stop);
  }
}
