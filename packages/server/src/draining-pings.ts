import type { Http2Session } from 'node:http2';

/**
 * Keeps a connection's keepalive from cutting the calls it is draining. grpc-js 1.14's server pings every connection
 * every `server.keepaliveTimeMs`, also after it sent GOAWAY and closed the session gracefully (max connection age,
 * `tryShutdown`, Rampart's shutdown). Node refuses a ping on a closed session (`ping()` returns undefined and its
 * callback gets ERR_HTTP2_PING_CANCEL), grpc-js reads that as a dead peer and destroys the session, and every call
 * still in its grace fails UNAVAILABLE "Connection dropped" (or INTERNAL "RST_STREAM with code 0") at the next ping:
 * the grace was at most one keepalive interval (`pnpm chaos -- --soak`: hundreds of long-lived streams cut per
 * connection age; the client-side twin is grpc/grpc-node#3068). Here a ping on a closed session is reported as
 * answered without being sent; a draining connection still ends by its grace (`server.maxConnectionAgeGraceMs`,
 * `server.shutdownGraceMs`) or when its last call ends.
 *
 * @example
 * ```ts
 * http2Server.on('session', keepDrainingCallsAlive);
 * ```
 */
export function keepDrainingCallsAlive(session: Http2Session): void {
  const ping = session.ping.bind(session) as (callback: PingCallback) => boolean;
  const draining = (callback: PingCallback): boolean => {
    if (!session.closed || session.destroyed) return ping(callback);
    process.nextTick(callback, null, 0, Buffer.alloc(8));
    return true;
  };
  session.ping = draining as typeof session.ping;
}

type PingCallback = (error: Error | null, duration: number, payload: Buffer) => void;
