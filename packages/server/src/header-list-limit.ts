import { constants, type Http2Session, type ServerHttp2Stream } from 'node:http2';

/** A `'stream'` listener of Node's HTTP/2 server, as grpc-js registers it. */
type StreamListener = (stream: ServerHttp2Stream, headers: unknown, flags: number, rawHeaders: readonly string[]) => void;

/** The part of Node's HTTP/2 server (one per bound port, made by grpc-js) this touches. */
interface StreamEvents {
  listeners(event: 'stream'): unknown[];
  removeAllListeners(event: 'stream'): unknown;
  on(event: 'stream', listener: StreamListener): unknown;
}

/**
 * A header list's size as HTTP/2 counts it (RFC 9113 section 6.5.2): the octets of each name and value plus 32 per
 * field, pseudo-headers included. Node hands header values over as latin1 strings, one character per octet.
 */
function headerListBytes(rawHeaders: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i < rawHeaders.length; i += 1) bytes += (rawHeaders[i] as string).length;
  return bytes + 16 * rawHeaders.length; // 32 per name/value pair
}

/**
 * How many oversized header lists one connection may send before it is closed: a client that keeps sending them makes
 * the server decode each (up to ~144 KB of frames, more once HPACK expands them) for nothing. Node's own count of
 * refused streams, `maxSessionRejectedStreams`, defaults to 100 as well.
 */
export const OVERSIZED_STREAMS_PER_SESSION = 100;

/** How long a connection closed for oversized header lists may take to finish the streams it had open. */
const CLOSE_GRACE_MS = 1_000;

/** The connection of `stream`, closed with a GOAWAY ENHANCE_YOUR_CALM once it passed its budget of oversized streams. */
function countOversized(counts: WeakMap<Http2Session, number>, stream: ServerHttp2Stream): void {
  const session = stream.session;
  if (session === undefined || session.destroyed) return;
  const count = (counts.get(session) ?? 0) + 1;
  counts.set(session, count);
  if (count !== OVERSIZED_STREAMS_PER_SESSION + 1) return;
  // GOAWAY first and a graceful close, so the frame goes out (a plain destroy can cut the socket before it is
  // written); streams already accepted may finish, no new one is. A peer that holds the connection open anyway is cut.
  session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
  session.close();
  setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
}

/**
 * Puts a header list check in front of grpc-js's `'stream'` listeners on `http2Server`: a stream whose header list is
 * larger than `maxBytes` is reset with ENHANCE_YOUR_CALM (clients see RESOURCE_EXHAUSTED) and grpc-js never sees it.
 * Node enforces `settings.maxHeaderListSize` itself only on streams opened after the client acknowledged the server's
 * SETTINGS: a client that never sends the acknowledgement (or sends it after its HEADERS) is otherwise bounded only
 * by HPACK's and nghttp2's own limits: a HEADERS frame and 8 CONTINUATION frames of 16 KB (~144 KB on the wire,
 * more once Huffman coding and indexed fields are expanded), and Node's 128 fields and `maxSessionMemory`. Returns
 * false when grpc-js registered no `'stream'` listener yet (a grpc-js change: the caller refuses to serve). A
 * connection that sends more than {@link OVERSIZED_STREAMS_PER_SESSION} oversized header lists is closed with a GOAWAY
 * ENHANCE_YOUR_CALM.
 *
 * @example
 * ```ts
 * if (!limitHeaderLists(http2Server, 16_384)) throw new Error('update Rampart');
 * ```
 */
export function limitHeaderLists(http2Server: StreamEvents, maxBytes: number): boolean {
  const grpcListeners = http2Server.listeners('stream') as StreamListener[];
  if (grpcListeners.length === 0) return false;
  http2Server.removeAllListeners('stream');
  const oversized = new WeakMap<Http2Session, number>();
  http2Server.on('stream', function (this: unknown, stream, headers, flags, rawHeaders) {
    // Fail closed: a Node that stopped passing the raw header list gets every stream refused (loudly, in every test),
    // not an exception thrown out of the 'stream' event.
    if (!Array.isArray(rawHeaders) || headerListBytes(rawHeaders) > maxBytes) {
      stream.on('error', () => undefined);
      stream.close(constants.NGHTTP2_ENHANCE_YOUR_CALM);
      countOversized(oversized, stream);
      return;
    }
    for (const listener of grpcListeners) listener.call(this, stream, headers, flags, rawHeaders);
  });
  return true;
}
