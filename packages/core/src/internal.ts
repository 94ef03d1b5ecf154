// @rampart/core/internal: what Rampart's own packages (server, client, auth, telemetry) share and a service never
// needs: the wire form of errors, the readers of decorator metadata, plugin ordering, the call's context plumbing.
// No compatibility promise: it changes with the framework's internals.

// --- errors on the wire ---
export { GENERIC_INTERNAL_MESSAGE } from './errors.js';
export { STATUS_BY_CODE, isBuiltInCode } from './error-codes.js';
export { ERROR_CODE_TRAILER } from './error-metadata.js';
export { encodeRpcStatus, STATUS_DETAILS_TRAILER } from './error-details.js';
export {
  codeOnTheWire,
  receivedError,
  errorForCaller,
  DEPENDENCY_UNAVAILABLE_MESSAGE,
  type ReceivedStatus,
} from './error-wire.js';
// --- decorator metadata, read once at start-up ---
export { PUBLIC_DECISION } from './auth-decision.js';
export type { AnyClass } from './class-chain.js';
export { effectiveDecisions } from './effective-decisions.js';
export { hasHandler, readServiceMetadata, type ServiceMetadata } from './service-decorators.js';
export { orderPlugins } from './plugin.js';
// --- the call's context and hooks ---
export { createContextValues } from './context.js';
export { PEER_REFUSAL } from './peer-refusal.js';
export { settleHookResult } from './hook-result.js';
