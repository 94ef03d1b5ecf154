export { Status, statusName } from './status.js';
export {
  RampartError,
  STATUS_BY_CODE,
  GENERIC_INTERNAL_MESSAGE,
  type ErrorCode,
  type RampartErrorOptions,
} from './errors.js';
export type { MethodKind, MethodDescriptor, MethodInfo } from './method-info.js';
export type {
  MethodShape,
  ServiceShape,
  ServiceDescriptor,
  UnaryHandler,
  ServerStreamHandler,
  ResponseStream,
  ClientStreamHandler,
  BidiHandler,
  HandlerFor,
  ServiceHandlers,
  ClientCallOptions,
  RequestStream,
  ClientMethodFor,
  ServiceClient,
} from './methods.js';
export type { Logger, LogFn } from './logger.js';
export type { PeerIdentity, Principal } from './identity.js';
export { PEER_REFUSAL } from './peer-refusal.js';
export {
  createContextKey,
  createContextValues,
  type ContextKey,
  type ContextValues,
  type CallContext,
  type IncomingMetadata,
} from './context.js';
export type { Interceptor, InterceptorDeclaration, MethodInterceptor, MethodPlan, CallOutcome, CallControl } from './interceptor.js';
export { isThenable, settleHookResult } from './hook-result.js';
export {
  authDecisionDecorator,
  Public,
  PUBLIC_DECISION,
  readClassDecisions,
  readMethodDecisions,
  type AuthDecision,
  type AuthDecisionDecorator,
} from './auth-decision.js';
export { effectiveDecisions } from './effective-decisions.js';
export {
  GrpcService,
  hasHandler,
  readServiceMetadata,
  type ServiceClassFor,
  type ServiceMetadata,
} from './service-decorators.js';
export { implementService, type ServiceObjectAuth } from './implement-service.js';
export {
  definePlugin,
  orderPlugins,
  type RampartPlugin,
  type PluginContext,
  type LifecycleEvent,
  type LifecycleHook,
  type ConfigReader,
  type ConfigSchemaFragment,
} from './plugin.js';
export { TOKENS } from './tokens.js';
export { METADATA } from './metadata-keys.js';
export { parseSpiffeId, formatSpiffeId, type SpiffeIdParts } from './spiffe.js';
export { parseSubjectAltNames, type SubjectAltNames } from './subject-alt-names.js';
