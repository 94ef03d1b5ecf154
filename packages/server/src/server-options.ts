import type { ServerOptions } from '@grpc/grpc-js';
import { RampartError, type ConfigReader } from '@rampart/core';

/** HTTP/2's largest SETTINGS_MAX_CONCURRENT_STREAMS (a 32-bit unsigned value). */
const MAX_STREAMS_LIMIT = 4_294_967_295;

/**
 * The grpc-js server options Rampart sets from config: message size limits and the per-connection stream limit
 * (`server.maxConcurrentStreams`, advertised to every client in HTTP/2 SETTINGS; ADR 0017). A stream limit outside
 * 1..4294967295 stops start-up naming the key.
 *
 * @example
 * ```ts
 * const server = new Server(grpcServerOptions(config)); // { 'grpc.max_concurrent_streams': 1000, ... }
 * ```
 */
export function grpcServerOptions(config: ConfigReader): ServerOptions {
  const streams = config.get<number>('server.maxConcurrentStreams');
  if (!Number.isSafeInteger(streams) || streams < 1 || streams > MAX_STREAMS_LIMIT) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `server.maxConcurrentStreams is ${String(streams)}: a connection needs at least 1 stream. Fix: set RAMPART_SERVER_MAX_CONCURRENT_STREAMS to 1..${MAX_STREAMS_LIMIT} (default 1000)`,
    );
  }
  return {
    'grpc.max_receive_message_length': config.get<number>('server.maxReceiveMessageBytes'),
    'grpc.max_send_message_length': config.get<number>('server.maxSendMessageBytes'),
    'grpc.max_concurrent_streams': streams,
  };
}
