import { Server, type ServerOptions } from '@grpc/grpc-js';
import { RampartError, type ConfigReader } from '@rampart/core';
import type { Http2Session } from 'node:http2';
import type { ServerConfig } from './config-schema.js';
import { keepDrainingCallsAlive } from './draining-pings.js';
import { limitHeaderLists } from './header-list-limit.js';

/** HTTP/2's largest SETTINGS value (a 32-bit unsigned value): the most streams, the largest header list. */
const MAX_SETTING = 4_294_967_295;
/** The longest a Node timer can wait; grpc-js reads 2^31 − 1 as "no limit", so settings stay below it. */
const MAX_TIMER_MS = 2_147_483_646;
/** The smallest header list worth allowing: a call's own pseudo-headers and gRPC headers take a few hundred bytes. */
const MIN_METADATA_BYTES = 1024;

/** The names of the numeric `server.*` settings. */
type NumberSetting = { [K in keyof ServerConfig]: K extends `server.${infer N}` ? (ServerConfig[K] extends number ? N : never) : never }[keyof ServerConfig];

/** One numeric server setting, its environment variable, its allowed range and its default (for the fix). */
function checked(config: ConfigReader<ServerConfig>, key: NumberSetting, min: number, max: number, defaultText: string, rule: string): number {
  const value = config.get(`server.${key}`);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const env = `RAMPART_SERVER_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `server.${key} is ${String(value)}: ${rule}. Fix: set ${env} to ${min}..${max} (default ${defaultText})`,
    );
  }
  return value;
}

/**
 * The grpc-js server options Rampart sets from config: message size limits, the per-connection stream limit
 * (`server.maxConcurrentStreams`, advertised to every client in HTTP/2 SETTINGS; ADR 0017), server keepalive pings,
 * and the maximum connection age with its grace (ADR 0021). A value out of range stops start-up naming the key.
 * `server.maxMetadataBytes` is not a grpc-js option: {@link createGrpcServer} applies it.
 *
 * @example
 * ```ts
 * const options = grpcServerOptions(config); // { 'grpc.max_concurrent_streams': 1000, 'grpc.max_connection_age_ms': 120000, ... }
 * ```
 */
export function grpcServerOptions(config: ConfigReader<ServerConfig>): ServerOptions {
  const streams = checked(config, 'maxConcurrentStreams', 1, MAX_SETTING, '1000', 'a connection needs at least 1 stream');
  const keepaliveTime = checked(config, 'keepaliveTimeMs', 0, MAX_TIMER_MS, '60000', 'the server keepalive interval must fit a timer (0: no pings)');
  const keepaliveTimeout = checked(config, 'keepaliveTimeoutMs', 1, MAX_TIMER_MS, '20000', 'a keepalive ping needs time to be answered');
  const age = checked(config, 'maxConnectionAgeMs', 0, MAX_TIMER_MS, '120000', 'the connection age must fit a timer (0: connections never age)');
  const grace = checked(config, 'maxConnectionAgeGraceMs', 0, MAX_TIMER_MS, '30000', 'the grace must fit a timer (0: no limit)');
  const idle = checked(config, 'idleTimeoutMs', 0, MAX_TIMER_MS, '600000', 'the idle timeout must fit a timer (0: never)');
  return {
    // Channelz statistics cost grpc-js objects and a clock read per call; nothing reads them unless the app serves channelz.
    'grpc.enable_channelz': config.get('server.channelz') ? 1 : 0,
    'grpc.max_receive_message_length': config.get('server.maxReceiveMessageBytes'),
    'grpc.max_send_message_length': config.get('server.maxSendMessageBytes'),
    'grpc.max_concurrent_streams': streams,
    // grpc-js: 0 (or no option) sends no pings; its ping policing does not exist, so clients may ping at any rate.
    'grpc.keepalive_time_ms': keepaliveTime,
    'grpc.keepalive_timeout_ms': keepaliveTimeout,
    // grpc-js reads a missing option as "never" (2^31 − 1); 0 would close every connection at once.
    ...(age > 0 ? { 'grpc.max_connection_age_ms': age } : {}),
    ...(grace > 0 ? { 'grpc.max_connection_age_grace_ms': grace } : {}),
    ...(idle > 0 ? { 'grpc.max_connection_idle_ms': idle } : {}),
    // grpc-js sets Node's per-session memory limit to Number.MAX_SAFE_INTEGER unless told.
    'grpc-node.max_session_memory': checked(config, 'maxSessionMemoryMb', 1, 1_048_576, '32', 'a connection needs some memory'),
  };
}

/** `server.maxMetadataBytes`, checked. */
export function maxMetadataBytes(config: ConfigReader<ServerConfig>): number {
  return checked(
    config,
    'maxMetadataBytes',
    MIN_METADATA_BYTES,
    MAX_SETTING,
    '16384',
    'a call needs room for its own headers and a bearer token',
  );
}

/** What grpc-js 1.14 keeps of the HTTP/2 server options and servers (private fields). */
interface GrpcServerInternals {
  commonServerOptions?: { settings?: Record<string, unknown>; handshakeTimeout?: number };
  http2Servers?: Map<{ maxConnections?: number; prependListener(event: 'session', listener: (session: Http2Session) => void): unknown } & Parameters<typeof limitHeaderLists>[0], unknown>;
  sessions?: Map<Http2Session, unknown>;
}

/**
 * A grpc-js `Server` with Rampart's options and a request metadata limit. grpc-js has no option for the limit
 * (grpc/grpc-node#2050); Node's HTTP/2 enforces `settings.maxHeaderListSize` (a stream whose header list is larger
 * is reset with ENHANCE_YOUR_CALM, which clients report as RESOURCE_EXHAUSTED), so the setting is added to the
 * HTTP/2 options grpc-js passes to `http2.createServer` for every port bound later. Node applies it only to streams
 * opened after the client acknowledged the SETTINGS; `limitHeaderLists` checks every stream before grpc-js sees it,
 * so a client that never acknowledges is held to the same limit. grpc-js is pinned to an exact version;
 * `connection-options.spec.ts` and `header-abuse.spec.ts` fail if this stops working.
 *
 * @example
 * ```ts
 * const server = createGrpcServer(config);
 * ```
 */
export function createGrpcServer(config: ConfigReader<ServerConfig>, options: ServerOptions = grpcServerOptions(config)): Server {
  const headerListBytes = maxMetadataBytes(config);
  const server = new Server(options);
  const internals = server as unknown as GrpcServerInternals;
  if (internals.commonServerOptions === undefined) {
    throw new RampartError(
      'ERR_INTERNAL',
      'this grpc-js version keeps no commonServerOptions: server.maxMetadataBytes cannot be applied (update Rampart)',
    );
  }
  internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, maxHeaderListSize: headerListBytes };
  // Node's TLS server option (default 120 s): a connection that has not finished its handshake by then is closed.
  internals.commonServerOptions.handshakeTimeout = checked(config, 'handshakeTimeoutMs', 100, MAX_TIMER_MS, '10000', 'a TLS handshake needs time');
  // net.Server#maxConnections, on every HTTP/2 server grpc-js creates for a port (after each bind).
  const maxConnections = checked(config, 'maxConnections', 1, MAX_SETTING, '10000', 'a port must take at least 1 connection');
  // Pings must not cut draining calls (draining-pings.ts): every session of every port, including those accepted before
  // this callback ran.
  const patched = new WeakSet<object>();
  const guarded = new WeakSet<Http2Session>();
  const guard = (session: Http2Session): void => {
    if (guarded.has(session)) return;
    guarded.add(session);
    keepDrainingCallsAlive(session);
  };
  const bind = server.bindAsync.bind(server);
  server.bindAsync = (port, credentials, callback) =>
    bind(port, credentials, (error, bound) => {
      if (error === null) {
        if (!(internals.http2Servers instanceof Map)) {
          callback(new Error('this grpc-js version keeps no http2Servers: server.maxConnections cannot be applied (update Rampart)'), bound);
          return;
        }
        for (const http2Server of internals.http2Servers.keys()) {
          http2Server.maxConnections = maxConnections;
          if (patched.has(http2Server)) continue;
          http2Server.prependListener('session', guard);
          // Node applies maxHeaderListSize only after the client acknowledged the SETTINGS: checked before grpc-js too.
          if (!limitHeaderLists(http2Server, headerListBytes)) {
            callback(new Error('this grpc-js version registers no stream listener: server.maxMetadataBytes cannot be applied (update Rampart)'), bound);
            return;
          }
          patched.add(http2Server);
        }
        for (const session of internals.sessions?.keys() ?? []) guard(session);
      }
      callback(error, bound);
    });
  return server;
}
