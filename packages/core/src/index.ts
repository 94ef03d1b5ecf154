// @rampart/core: the vocabulary a service, a plugin and the other packages speak (errors, decorators, the call
// context, interceptor and plugin contracts, config schema types). What only Rampart's own packages share (the wire
// form of errors, metadata readers, plugin ordering): '@rampart/core/internal'.
export { Status, statusName } from './status.js';
export { RampartError, type RampartErrorOptions } from './errors.js';
export type { ErrorCode, CustomErrorCode, RampartErrorCode } from './error-codes.js';
export { defineErrorCode, type ErrorCodeDefinition } from './define-error-code.js';
export { ErrorMetadata, type ErrorMetadataInit, type ErrorMetadataValue } from './error-metadata.js';
export type { ErrorDetail } from './error-details.js';
export {
  richDetails,
  readRichDetails,
  type RichDetail,
  type ErrorInfo,
  type RetryInfo,
  type QuotaFailure,
  type PreconditionFailure,
  type BadRequest,
  type ResourceInfo,
} from './rich-details.js';
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
  ReceivedMetadata,
  RequestStream,
  ClientMethodFor,
  ServiceClient,
} from './methods.js';
export type { Logger, LogFn } from './logger.js';
export type { PeerIdentity, Principal } from './identity.js';
export {
  createContextKey,
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
  MethodSchema,
  ProtoFiles,
  MethodGrants,
  CallOutcome,
  CallControl,
} from './interceptor.js';
export type { CallIdentityWriter } from './call-identity.js';
export { eachMessage, type CallNext, type InterceptedRequest, type InterceptedResponse } from './call-interception.js';
export { ResponseMetadata } from './response-metadata.js';
export { authDecisionDecorator, Public, type AuthDecision, type DecisionDecorator } from './auth-decision.js';
export { GrpcService, type ServiceClassFor } from './service-decorators.js';
export { implementService, type ServiceObjectAuth } from './implement-service.js';
export {
  definePlugin,
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
export { parseSpiffeId, formatSpiffeId, type SpiffeIdParts } from './spiffe.js';
export { parseSubjectAltNames, type SubjectAltNames } from './subject-alt-names.js';
