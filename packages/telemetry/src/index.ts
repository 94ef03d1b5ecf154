export { createLogger, type LoggerOptions } from './logger.js';
export { LOG_FORMATS, logDestination, resolveLogFormat, type LogFormat, type LogFormatContext, type LogSink } from './log-destination.js';
export { REDACTED, scrubString } from './redaction-rules.js';
export { scrubSecrets } from './scrub.js';
export { createRpcTelemetry } from './rpc-telemetry.js';
export type { RpcTelemetry, RpcCallTelemetry, RpcTelemetryOptions } from './rpc-telemetry-types.js';
export { injectTraceContext } from './propagation.js';
export { RPC_SPAN } from './call-span.js';
