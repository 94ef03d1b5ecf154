import { once } from 'node:events';
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerWritableStream,
  UntypedHandleCall,
} from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { RampartError, type CallContext } from '@rampart/core';
import type { CallStates } from './call-interceptor.js';
import type { CallState } from './call-state.js';
import { logCallError, serviceErrorOf } from './grpc-status.js';
import type { MethodRuntime } from './method-table.js';

type Handler = (input: unknown, ctx: CallContext) => unknown;

/**
 * Calls `fn` so that a synchronous throw becomes a rejection: a handler written as a plain (non-async) method that
 * throws still ends its call with the mapped status instead of escaping into grpc-js, which would answer UNKNOWN.
 */
async function attempt(fn: () => unknown): Promise<unknown> {
  return await fn();
}

/**
 * Adapts a Rampart handler (plain async code) to the grpc-js handler of its call kind: promises for unary results,
 * async iterables for streams (with back-pressure both ways), errors to their mapped status.
 */
export function adaptHandler(runtime: MethodRuntime, handler: Handler, states: CallStates): UntypedHandleCall {
  const stateOf = (metadata: Metadata): CallState => {
    const state = states.get(metadata);
    if (!state) throw new Error(`no call state for ${runtime.info.path}: the Rampart interceptor did not run`);
    return state;
  };
  const fail = (state: CallState, thrown: unknown): RampartError => {
    const error = state.ctx.signal.aborted && !RampartError.is(thrown) ? RampartError.from(state.ctx.signal.reason) : RampartError.from(thrown);
    state.error ??= error;
    logCallError(state.ctx.logger, error);
    return error;
  };
  const where = `${runtime.info.service}.${runtime.info.handlerName}`;

  switch (runtime.info.kind) {
    case 'unary': {
      const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
        const state = stateOf(call.metadata);
        context
          .with(state.telemetry.context, () => attempt(() => handler(call.request, state.ctx)))
          .then(
            (response) => callback(null, checkResponse(response, where)),
            (thrown: unknown) => callback(serviceErrorOf(fail(state, thrown))),
          );
      };
      return unary;
    }
    case 'serverStream': {
      const serverStream: handleServerStreamingCall<unknown, unknown> = (call) => {
        const state = stateOf(call.metadata);
        context
          .with(state.telemetry.context, () => attempt(() => pump(handler(call.request, state.ctx), call, state, where)))
          .then(
            () => call.end(),
            (thrown: unknown) => call.emit('error', serviceErrorOf(fail(state, thrown))),
          );
      };
      return serverStream;
    }
    case 'clientStream': {
      const clientStream: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
        const state = stateOf(call.metadata);
        context
          .with(state.telemetry.context, () => attempt(() => handler(requestsOf(call, state), state.ctx)))
          .then(
            (response) => callback(null, checkResponse(response, where)),
            (thrown: unknown) => callback(serviceErrorOf(fail(state, thrown))),
          );
      };
      return clientStream;
    }
    case 'bidi': {
      const bidi: handleBidiStreamingCall<unknown, unknown> = (call) => {
        const state = stateOf(call.metadata);
        context
          .with(state.telemetry.context, () => attempt(() => pump(handler(requestsOf(call, state), state.ctx), call, state, where)))
          .then(
            () => call.end(),
            (thrown: unknown) => call.emit('error', serviceErrorOf(fail(state, thrown))),
          );
      };
      return bidi;
    }
  }
}

function checkResponse(response: unknown, where: string): unknown {
  if (response === null || typeof response !== 'object') {
    throw new RampartError('ERR_INTERNAL', 'internal error', {
      cause: new TypeError(`${where} returned ${response === null ? 'null' : typeof response} instead of a response message`),
    });
  }
  return response;
}

/** Writes every message the handler yields, waiting for 'drain' when the transport's buffer is full. */
async function pump(
  output: unknown,
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  state: CallState,
  where: string,
): Promise<void> {
  if (output === null || typeof output !== 'object' || !(Symbol.asyncIterator in output)) {
    throw new RampartError('ERR_INTERNAL', 'internal error', {
      cause: new TypeError(`${where} must return an async iterable (write it as an async generator: async *${where.split('.').pop()}(...))`),
    });
  }
  const signal = state.ctx.signal;
  for await (const message of output as AsyncIterable<unknown>) {
    if (signal.aborted) break;
    if (message === null || typeof message !== 'object') {
      throw new RampartError('ERR_INTERNAL', 'internal error', {
        cause: new TypeError(`${where} yielded ${message === null ? 'null' : typeof message} instead of a message`),
      });
    }
    if (!call.write(message)) await once(call, 'drain', { signal });
  }
}

/** The request stream a handler reads: ends when the client half-closes, throws the cancellation when cancelled. */
async function* requestsOf(
  call: ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  state: CallState,
): AsyncGenerator<unknown, void, undefined> {
  try {
    // Not `for await (... of call)`: that destroys the duplex when the requests end, before the responses are sent.
    for await (const message of call.iterator({ destroyOnReturn: false })) yield message;
  } catch (error) {
    throw state.ctx.signal.aborted ? state.ctx.signal.reason : error;
  }
  if (state.ctx.signal.aborted) throw state.ctx.signal.reason;
}
