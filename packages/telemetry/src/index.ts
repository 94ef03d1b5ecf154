// @rampart/telemetry: the logger (JSON lines, secrets redacted) and the RPC spans and metrics a server or client
// records. What Rampart's server, client and auth share of it: '@rampart/telemetry/internal'.
export { createLogger, type LoggerOptions } from './logger.js';
export type { LogFormat, LogSink } from './log-destination.js';
export { createRpcTelemetry } from './rpc-telemetry.js';
export type { RpcTelemetry, RpcCallTelemetry, RpcClientMethodTelemetry, RpcTelemetryOptions } from './rpc-telemetry-types.js';
export type { RpcSemconv } from './semconv.js';
