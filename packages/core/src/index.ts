export { Status, statusName } from './status.js';
export { RampartError, GENERIC_INTERNAL_MESSAGE, type RampartErrorOptions } from './errors.js';
export {
  STATUS_BY_CODE,
  CODE_BY_STATUS,
  type ErrorCode,
  type CustomErrorCode,
  type RampartErrorCode,
} from './error-codes.js';
export { defineErrorCode, type ErrorCodeDefinition } from './define-error-code.js';
export {
  ErrorMetadata,
  ERROR_CODE_TRAILER,
  type ErrorMetadataInit,
  type ErrorMetadataValue,
} from './error-metadata.js';
export {
  encodeRpcStatus,
  decodeRpcStatus,
  STATUS_DETAILS_TRAILER,
  type ErrorDetail,
  type RpcStatusMessage,
} from './error-details.js';
export {
  codeOnTheWire,
  receivedError,
  errorForCaller,
  DEPENDENCY_UNAVAILABLE_MESSAGE,
  type ReceivedStatus,
} from './error-wire.js';
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
export type {
  Interceptor,
  InterceptorDeclaration,
  MethodInterceptor,
  MethodPlan,
  MethodGrants,
  CallOutcome,
  CallControl,
} from './interceptor.js';
export type { CallIdentityWriter } from './call-identity.js';
export { eachMessage, type CallNext, type InterceptedRequest, type InterceptedResponse } from './call-interception.js';
export { ResponseMetadata } from './response-metadata.js';
export { isThenable, settleHookResult } from './hook-result.js';
export {
  authDecisionDecorator,
  Public,
  PUBLIC_DECISION,
  readClassDecisions,
  readMethodDecisions,
  type AuthDecision,
  type DecisionDecorator,
} from './auth-decision.js';
export type { AnyClass } from './class-chain.js';
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
  type PluginDefinition,
  type PluginConfigSchema,
  type ConfigOfPlugins,
  type LifecycleEvent,
  type LifecycleHook,
} from './plugin.js';
export {
  defineConfigSchema,
  type ConfigSchema,
  type ConfigSchemaFragment,
  type ConfigOf,
  type ConfigReader,
  type UntypedConfig,
  type NoConfig,
} from './config-schema.js';
export { TOKENS } from './tokens.js';
export { METADATA } from './metadata-keys.js';
export { parseSpiffeId, formatSpiffeId, type SpiffeIdParts } from './spiffe.js';
export { parseSubjectAltNames, type SubjectAltNames } from './subject-alt-names.js';
