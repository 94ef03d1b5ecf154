// @rampart/telemetry/internal: what Rampart's server, client and auth share (the log formats config accepts, the
// call's span key, trace propagation on outgoing calls). No compatibility promise: it changes with the internals.
export { LOG_FORMATS } from './log-destination.js';
export { RPC_SPAN } from './call-span.js';
export { injectTraceContext } from './propagation.js';
