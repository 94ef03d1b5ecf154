import { Status } from './status.js';

/**
 * The error codes built into Rampart: stable, machine-readable, each with its gRPC status (a complete map,
 * `STATUS_BY_CODE`; an error carries its own as `status`). Match on the code, never on the message. The list is
 * closed on purpose: adding a code without deciding its status fails to compile. Applications add their own with
 * `defineErrorCode`.
 */
export type ErrorCode =
  // caller mistakes and request outcomes
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NOT_FOUND'
  | 'ERR_ALREADY_EXISTS'
  | 'ERR_FAILED_PRECONDITION'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_RESOURCE_EXHAUSTED'
  | 'ERR_ABORTED'
  | 'ERR_UNIMPLEMENTED'
  | 'ERR_CANCELLED'
  | 'ERR_DEADLINE_EXCEEDED'
  // authentication: no or bad credentials
  | 'ERR_UNAUTHENTICATED'
  | 'ERR_NO_CLIENT_CERTIFICATE'
  | 'ERR_CERTIFICATE_EXPIRED'
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_REPLAYED'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_TOKEN_BINDING'
  // authorization: authenticated, but not allowed
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_PEER_NOT_ALLOWED'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_POLICY_DENIED'
  // the service or its dependencies
  | 'ERR_UNAVAILABLE'
  | 'ERR_INTERNAL'
  | 'ERR_UNKNOWN'
  | 'ERR_DATA_LOSS'
  // start-up and configuration (never reach a client)
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_INLINE_SECRET'
  | 'ERR_NO_AUTH_DECISION'
  | 'ERR_AUTH_CONFLICT'
  | 'ERR_UNENFORCED_DECISION'
  | 'ERR_SERVICE_DEFINITION'
  | 'ERR_PLUGIN_INVALID'
  | 'ERR_PLUGIN_DEPENDENCY'
  | 'ERR_INSECURE_TRANSPORT'
  | 'ERR_APP_STATE';

/**
 * A code an application defined with `defineErrorCode`, or one a server sent that this process does not know.
 * Always `ERR_` and upper-case words.
 */
export type CustomErrorCode = `ERR_${Uppercase<string>}`;

/**
 * The `code` of a {@link RampartError}: a built-in {@link ErrorCode} (listed for completion and `switch`) or a
 * {@link CustomErrorCode}.
 */
export type RampartErrorCode = ErrorCode | (CustomErrorCode & {});

/**
 * The gRPC status each built-in code is sent with. A `Record` over the whole union: a code without a status does
 * not compile.
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, Status>> = {
  ERR_INVALID_ARGUMENT: Status.INVALID_ARGUMENT,
  ERR_NOT_FOUND: Status.NOT_FOUND,
  ERR_ALREADY_EXISTS: Status.ALREADY_EXISTS,
  ERR_FAILED_PRECONDITION: Status.FAILED_PRECONDITION,
  ERR_OUT_OF_RANGE: Status.OUT_OF_RANGE,
  ERR_RESOURCE_EXHAUSTED: Status.RESOURCE_EXHAUSTED,
  ERR_ABORTED: Status.ABORTED,
  ERR_UNIMPLEMENTED: Status.UNIMPLEMENTED,
  ERR_CANCELLED: Status.CANCELLED,
  ERR_DEADLINE_EXCEEDED: Status.DEADLINE_EXCEEDED,
  ERR_UNAUTHENTICATED: Status.UNAUTHENTICATED,
  ERR_NO_CLIENT_CERTIFICATE: Status.UNAUTHENTICATED,
  ERR_CERTIFICATE_EXPIRED: Status.UNAUTHENTICATED,
  ERR_TOKEN_MISSING: Status.UNAUTHENTICATED,
  ERR_TOKEN_INVALID: Status.UNAUTHENTICATED,
  ERR_TOKEN_EXPIRED: Status.UNAUTHENTICATED,
  ERR_TOKEN_REPLAYED: Status.UNAUTHENTICATED,
  ERR_TOKEN_REVOKED: Status.UNAUTHENTICATED,
  ERR_TOKEN_BINDING: Status.UNAUTHENTICATED,
  ERR_PERMISSION_DENIED: Status.PERMISSION_DENIED,
  ERR_PEER_NOT_ALLOWED: Status.PERMISSION_DENIED,
  ERR_INSUFFICIENT_SCOPE: Status.PERMISSION_DENIED,
  ERR_POLICY_DENIED: Status.PERMISSION_DENIED,
  ERR_UNAVAILABLE: Status.UNAVAILABLE,
  ERR_INTERNAL: Status.INTERNAL,
  ERR_UNKNOWN: Status.UNKNOWN,
  ERR_DATA_LOSS: Status.DATA_LOSS,
  ERR_CONFIG_INVALID: Status.INTERNAL,
  ERR_CONFIG_INLINE_SECRET: Status.INTERNAL,
  ERR_NO_AUTH_DECISION: Status.INTERNAL,
  ERR_AUTH_CONFLICT: Status.INTERNAL,
  ERR_UNENFORCED_DECISION: Status.INTERNAL,
  ERR_SERVICE_DEFINITION: Status.INTERNAL,
  ERR_PLUGIN_INVALID: Status.INTERNAL,
  ERR_PLUGIN_DEPENDENCY: Status.INTERNAL,
  ERR_INSECURE_TRANSPORT: Status.INTERNAL,
  ERR_APP_STATE: Status.INTERNAL,
};

/**
 * The code a client reports for each status when the server sent no code of its own (another gRPC server, or a
 * status whose code Rampart does not send: see `codeOnTheWire`). Also complete by construction.
 */
export const CODE_BY_STATUS: Readonly<Record<Status, ErrorCode>> = {
  [Status.OK]: 'ERR_UNKNOWN',
  [Status.CANCELLED]: 'ERR_CANCELLED',
  [Status.UNKNOWN]: 'ERR_UNKNOWN',
  [Status.INVALID_ARGUMENT]: 'ERR_INVALID_ARGUMENT',
  [Status.DEADLINE_EXCEEDED]: 'ERR_DEADLINE_EXCEEDED',
  [Status.NOT_FOUND]: 'ERR_NOT_FOUND',
  [Status.ALREADY_EXISTS]: 'ERR_ALREADY_EXISTS',
  [Status.PERMISSION_DENIED]: 'ERR_PERMISSION_DENIED',
  [Status.RESOURCE_EXHAUSTED]: 'ERR_RESOURCE_EXHAUSTED',
  [Status.FAILED_PRECONDITION]: 'ERR_FAILED_PRECONDITION',
  [Status.ABORTED]: 'ERR_ABORTED',
  [Status.OUT_OF_RANGE]: 'ERR_OUT_OF_RANGE',
  [Status.UNIMPLEMENTED]: 'ERR_UNIMPLEMENTED',
  [Status.INTERNAL]: 'ERR_INTERNAL',
  [Status.UNAVAILABLE]: 'ERR_UNAVAILABLE',
  [Status.DATA_LOSS]: 'ERR_DATA_LOSS',
  [Status.UNAUTHENTICATED]: 'ERR_UNAUTHENTICATED',
};

/** True for one of the built-in codes. */
export function isBuiltInCode(code: string): code is ErrorCode {
  return Object.hasOwn(STATUS_BY_CODE, code);
}

const CUSTOM_CODE = /^ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
const MAX_CODE_LENGTH = 64;

/** True for a string shaped like an error code: `ERR_`, upper-case words joined by `_`, at most 64 characters. */
export function isErrorCodeShape(code: string): code is CustomErrorCode {
  return code.length <= MAX_CODE_LENGTH && CUSTOM_CODE.test(code);
}

/** Statuses a server fault is sent with: no message, code, metadata or details of the error go on the wire. */
export function isServerFault(status: Status): boolean {
  return status === Status.INTERNAL || status === Status.UNKNOWN || status === Status.DATA_LOSS;
}
