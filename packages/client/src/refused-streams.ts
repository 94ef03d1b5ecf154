import type { ClientDuplexStream, ClientWritableStream } from '@grpc/grpc-js';
import { RampartError, Status, type RequestStream } from '@rampart/core';

/**
 * What grpc-js reports for a stream the server refused: RST_STREAM with REFUSED_STREAM, or a stream above the last
 * stream id of the server's GOAWAY. Either way the server application never saw the call (RFC 9113, 8.7), so it may
 * be sent again whatever the method does.
 */
export const REFUSED_STREAM_DETAILS = 'Stream refused by server';

/**
 * The same refusal when it reached a write under way first: grpc-js ends the call with the write's error, Node's
 * `ERR_HTTP2_STREAM_ERROR` message naming the RST_STREAM code. Seen on loaded machines when a client stream is still
 * sending as the refusal arrives.
 */
export const REFUSED_STREAM_WRITE_DETAILS = 'Write error: Stream closed with error code NGHTTP2_REFUSED_STREAM';

/**
 * How many times a call is sent in all while servers refuse it. grpc-js retries a refused stream once on its own
 * (transparent retry) and then fails the call; a server that closes a connection sends its GOAWAY and closes it at
 * once (grpc-js at its maximum connection age and at shutdown: Node's HTTP/2 cannot send the two-step GOAWAY of RFC
 * 9113 6.8, it ignores every stream after its first GOAWAY), so when several connections of a client close at about
 * the same time (they were opened together and age together) the retry can be refused too: `pnpm chaos` lost 4-6
 * calls per rolling restart that way. Each attempt here includes grpc-js's own retry.
 */
export const REFUSED_STREAM_ATTEMPTS = 4;

/** Whether a call failed because a server refused its stream unprocessed. */
export function wasRefused(error: unknown): boolean {
  // A grpc-js ServiceError (code, details) or the RampartError a unary call rejects with (status, message).
  const e = error as { code?: unknown; details?: unknown } | null;
  const [status, details] = RampartError.is(error) ? [error.status, error.message] : [e?.code, e?.details];
  return status === Status.UNAVAILABLE && (details === REFUSED_STREAM_DETAILS || details === REFUSED_STREAM_WRITE_DETAILS);
}

/**
 * Runs `attempt` again while it fails with a refused stream, at most {@link REFUSED_STREAM_ATTEMPTS} times in all,
 * and only while `replayable()` (a request stream still has every message it sent).
 */
export async function retryRefused<T>(attempt: () => Promise<T>, signal: AbortSignal | undefined, replayable: () => boolean = () => true): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= REFUSED_STREAM_ATTEMPTS || !wasRefused(error) || signal?.aborted === true || !replayable()) throw error;
    }
  }
}

/** The most request messages kept for sending again; past it a refused stream fails the call. */
const MAX_KEPT = 10_000;

type Writable = ClientWritableStream<unknown> | ClientDuplexStream<unknown, unknown>;

/** Waits until `call` wants more (drain) or has ended (status), whichever is first. */
function writable(call: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('status', done);
      resolve();
    };
    call.once('drain', done);
    call.once('status', done);
  });
}

/**
 * A client's request stream that can be sent again from its first message while no server has answered: each
 * message taken from the caller's iterable is kept until the server sends response headers ({@link commit}) and
 * sent first on the next attempt, then the iterable goes on where it stopped. Attempts write one after another.
 */
export class ReplayableRequests {
  readonly #kept: unknown[] = [];
  #iterator: AsyncIterator<unknown> | Iterator<unknown> | undefined;
  #replayable = true;
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly source: RequestStream<unknown>) {}

  /** Whether a refused attempt can be sent again: nothing was answered and what was taken is still kept. */
  get replayable(): boolean {
    return this.#replayable;
  }

  /** The server answered (or too much to keep): stop keeping messages. */
  commit(): void {
    this.#replayable = false;
    this.#kept.length = 0;
  }

  /**
   * Writes every message to `call` (the kept ones first) with back-pressure, then half-closes it; stops as soon as
   * the call has ended. Starts once the previous attempt's writing has stopped. Rejects when the caller's iterable
   * throws.
   */
  writeTo(call: Writable): Promise<void> {
    const previous = this.#writing;
    this.#writing = previous.then(() => this.#write(call));
    return this.#writing;
  }

  async #write(call: Writable): Promise<void> {
    let ended = false;
    call.once('status', () => (ended = true));
    for (const message of [...this.#kept]) {
      if (ended) return;
      if (!call.write(message)) await writable(call);
    }
    this.#iterator ??= Symbol.asyncIterator in this.source
      ? (this.source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (this.source as Iterable<unknown>)[Symbol.iterator]();
    for (;;) {
      if (ended) return;
      const next = await this.#iterator.next();
      if (next.done === true) break;
      if (this.#replayable) {
        this.#kept.push(next.value);
        if (this.#kept.length > MAX_KEPT) this.commit();
      }
      // Taken while the call ended: kept, the next attempt sends it.
      if (ended) return;
      if (!call.write(next.value)) await writable(call);
    }
    if (!ended) call.end();
  }
}
