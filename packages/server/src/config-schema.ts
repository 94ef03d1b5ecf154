import { defineConfigSchema, type ConfigOf } from '@rampart/core';
import { transportSourceSetting, workloadApiSettings, workloadTlsSettings } from '@rampart/pki';
import { LOG_FORMATS } from '@rampart/telemetry/internal';

/**
 * The configuration keys of every Rampart server. Each can be set in a config file or by its environment variable.
 * See docs/reference/configuration.md.
 */
export const serverConfigSchema = defineConfigSchema({
  server: {
    host: {
      doc: 'Address to listen on (IPv4 or IPv6, e.g. 127.0.0.1, ::1). Inside a container use 0.0.0.0 (every IPv4 interface) or :: (every IPv6 interface, and IPv4 too on dual-stack hosts), or the port is unreachable from outside the container.',
      format: String,
      default: '127.0.0.1',
      env: 'RAMPART_SERVER_HOST',
    },
    port: {
      doc: 'TCP port to listen on; 0 picks a free port (tests).',
      format: 'port',
      default: 50051,
      env: 'RAMPART_SERVER_PORT',
    },
    healthPort: {
      doc: "A second, plaintext port serving grpc.health.v1.Health (Check and Watch) and nothing else, for the kubelet's native grpc probes while the service port stays TLS/mTLS. Same serving status as the service port. 0: no health port.",
      format: 'port',
      default: 0,
      env: 'RAMPART_SERVER_HEALTH_PORT',
    },
    healthHost: {
      doc: 'Address of the health port; empty: the same as server.host. In a pod, 0.0.0.0 (the kubelet probes the pod IP).',
      format: String,
      default: '',
      env: 'RAMPART_SERVER_HEALTH_HOST',
    },
    drainDelayMs: {
      doc: "On shutdown (SIGTERM or close()), how long the app keeps serving calls normally after reporting NOT_SERVING and before it sends GOAWAY: time for the endpoints controller to take the pod out of Services and for clients to stop picking it. 0 for local runs; about 5000 on Kubernetes (terminationGracePeriodSeconds must exceed drainDelayMs + shutdownGraceMs).",
      format: 'nat',
      default: 0,
      env: 'RAMPART_SERVER_DRAIN_DELAY_MS',
    },
    shutdownGraceMs: {
      doc: 'On shutdown, after GOAWAY, how long in-flight calls may run before they are cancelled.',
      format: 'nat',
      default: 10_000,
      env: 'RAMPART_SERVER_SHUTDOWN_GRACE_MS',
    },
    keepaliveTimeMs: {
      doc: 'How often the server pings each client connection (HTTP/2 PING) to find peers that vanished without closing it; 0: never.',
      format: 'nat',
      default: 60_000,
      env: 'RAMPART_SERVER_KEEPALIVE_TIME_MS',
    },
    keepaliveTimeoutMs: {
      doc: 'How long the server waits for the answer to its keepalive ping before it closes the connection (at least 1).',
      format: 'nat',
      default: 20_000,
      env: 'RAMPART_SERVER_KEEPALIVE_TIMEOUT_MS',
    },
    maxConnectionAgeMs: {
      doc: 'After about this long (±10 %), a connection is sent GOAWAY: its client opens a new one, re-resolving the target, so calls spread to new pods and a peer certificate is checked again. Calls in flight continue for maxConnectionAgeGraceMs. 0: connections never age.',
      format: 'nat',
      default: 120_000,
      env: 'RAMPART_SERVER_MAX_CONNECTION_AGE_MS',
    },
    maxConnectionAgeGraceMs: {
      doc: 'How long calls in flight on a connection past maxConnectionAgeMs may run before the connection is closed (they end UNAVAILABLE). Longer than the longest unary call; streams that outlive it are re-opened by the client. 0: no limit.',
      format: 'nat',
      default: 30_000,
      env: 'RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS',
    },
    handshakeTimeoutMs: {
      doc: 'How long a new connection may take to finish its TLS handshake before it is closed (a client that opens a connection and never completes the handshake holds a socket and memory: slowloris). At least 100.',
      format: 'nat',
      default: 10_000,
      env: 'RAMPART_SERVER_HANDSHAKE_TIMEOUT_MS',
    },
    maxSessionMemoryMb: {
      doc: "Most memory one connection may hold in Node's HTTP/2 (answers queued for a peer that does not read them, header tables, buffered frames), in MB; past it the connection is refused new streams and closed (ENHANCE_YOUR_CALM). grpc-js turns Node's limit off; a PING or SETTINGS flood from a peer that never reads then grows the server's memory without bound. At least 1.",
      format: 'nat',
      default: 32,
      env: 'RAMPART_SERVER_MAX_SESSION_MEMORY_MB',
    },
    maxConnections: {
      doc: 'Most connections the service port holds at once; past it new connections are closed as they arrive (the health port is separate). At least 1.',
      format: 'nat',
      default: 10_000,
      env: 'RAMPART_SERVER_MAX_CONNECTIONS',
    },
    idleTimeoutMs: {
      doc: 'A connection with no call for this long is sent GOAWAY and closed (its client reconnects on its next call). 0: idle connections stay open.',
      format: 'nat',
      default: 600_000,
      env: 'RAMPART_SERVER_IDLE_TIMEOUT_MS',
    },
    maxMetadataBytes: {
      doc: 'Largest request metadata (header list, counted as HTTP/2 does: name + value + 32 per entry) accepted; larger is refused with RESOURCE_EXHAUSTED before any handler runs. Advertised as SETTINGS_MAX_HEADER_LIST_SIZE. Room for the largest token (auth.tokens.maxTokenBytes) and trace headers.',
      format: 'nat',
      default: 16_384,
      env: 'RAMPART_SERVER_MAX_METADATA_BYTES',
    },
    maxReceiveMessageBytes: {
      doc: 'Largest request message accepted.',
      format: 'nat',
      default: 4 * 1024 * 1024,
      env: 'RAMPART_SERVER_MAX_RECEIVE_MESSAGE_BYTES',
    },
    maxSendMessageBytes: {
      doc: 'Largest response message sent.',
      format: 'nat',
      default: 4 * 1024 * 1024,
      env: 'RAMPART_SERVER_MAX_SEND_MESSAGE_BYTES',
    },
    maxConcurrentStreams: {
      doc: 'Most calls one connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS, 1 to 4294967295). A client waits for a free slot; a peer that ignores the limit is refused by HTTP/2.',
      format: 'nat',
      default: 1000,
      env: 'RAMPART_SERVER_MAX_CONCURRENT_STREAMS',
    },
    channelz: {
      doc: "Keep grpc-js's channelz statistics (call counts and timestamps per server and per connection). Rampart serves no channelz service, so by default they are not kept: that saves grpc-js a few objects and a clock read on every call. Turn on for an app that registers grpc-js's channelz service itself.",
      format: Boolean,
      default: false,
      env: 'RAMPART_SERVER_CHANNELZ',
    },
    reflection: {
      doc: 'Serve gRPC server reflection (service and message schemas, no data) so grpcurl-style tools work.',
      format: Boolean,
      default: true,
      env: 'RAMPART_SERVER_REFLECTION',
    },
    reflectionRequireMtls: {
      doc: 'Serve reflection only to clients with a verified certificate carrying a SPIFFE ID (others: UNAUTHENTICATED). Health stays public.',
      format: Boolean,
      default: false,
      env: 'RAMPART_SERVER_REFLECTION_REQUIRE_MTLS',
    },
    reflectionAllow: {
      doc: 'SPIFFE IDs allowed to use reflection (others: PERMISSION_DENIED); a non-empty list implies reflectionRequireMtls.',
      format: Array,
      default: [] as string[],
      env: 'RAMPART_SERVER_REFLECTION_ALLOW',
    },
  },
  transport: {
    insecure: {
      doc: 'Serve plaintext without TLS. For local experiments only: logged as a warning, refused when NODE_ENV=production.',
      format: Boolean,
      default: false,
      env: 'RAMPART_TRANSPORT_INSECURE',
    },
    source: transportSourceSetting,
    workloadApi: workloadApiSettings,
    tls: workloadTlsSettings,
  },
  log: {
    level: {
      doc: 'Lowest level written to the log.',
      format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      default: 'info',
      env: 'RAMPART_LOG_LEVEL',
    },
    format: {
      doc: 'How log lines look: json (one JSON object per line, for log collectors), pretty (pino-pretty: readable, coloured lines for a terminal; secrets are redacted the same), or auto: pretty when stdout is a TTY and NODE_ENV is not production, json otherwise (pipes, containers, files).',
      format: [...LOG_FORMATS],
      default: 'auto',
      env: 'RAMPART_LOG_FORMAT',
    },
    access: {
      doc: 'The access log: one line per call (rpc, status, duration, request id, principal, peer SPIFFE ID, error code; the trace id when tracing), written at this level; off writes none and costs nothing per call.',
      format: ['off', 'trace', 'debug', 'info', 'warn'],
      default: 'off',
      env: 'RAMPART_LOG_ACCESS',
    },
    accessSampleRate: {
      doc: 'The share of successful calls the access log writes, from 0 to 1 (0.01: one in a hundred). Calls that fail are always written.',
      format: Number,
      default: 1,
      env: 'RAMPART_LOG_ACCESS_SAMPLE_RATE',
    },
  },
});

/**
 * The config every Rampart server reads, by dotted key: `server.*`, `transport.*` and `log.*`.
 *
 * @example
 * ```ts
 * function address(config: ConfigReader<ServerConfig>): string {
 *   return `${config.get('server.host')}:${config.get('server.port')}`;
 * }
 * ```
 */
export type ServerConfig = ConfigOf<typeof serverConfigSchema>;
