import type { Metadata, ServerDuplexStream, ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';
import type { ServerCallContext } from './call-context.js';
import type { CallState } from './call-state.js';
import { grpcMetadataOf } from './grpc-status.js';

function checkMessage(message: unknown, where: string): void {
  if (message === null || typeof message !== 'object') {
    throw new RampartError('ERR_INTERNAL', 'internal error', {
      cause: new TypeError(`${where} yielded ${message === null ? 'null' : typeof message} instead of a message`),
    });
  }
}

/** The writable side of a server-streaming or bidi call. */
export type Writer = ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/**
 * Writes every message the handler yields, waiting for 'drain' when the transport's buffer is full. An async
 * iterable (an `async *` generator) is the general form; a synchronous iterable (a `*` generator, an array) is
 * written in a plain loop, with no promise per message, and waits only when the transport pushes back.
 */
export function pump(output: unknown, call: Writer, state: CallState, where: string): Promise<void> | undefined {
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
    if (!ctx.headersSent) sendHeaders(call, ctx);
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
      if (!ctx.headersSent) sendHeaders(call, ctx);
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
export async function* requestsOf(
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

/** Sends the call's response headers now if it has any (once; the first response message or the status would). */
export function sendHeaders(call: { sendMetadata(metadata: Metadata): void }, ctx: ServerCallContext): void {
  const headers = grpcMetadataOf(ctx.takeHeaders());
  if (headers !== undefined) call.sendMetadata(headers);
}
