import { Status } from './status.js';

/**
 * Every error Rampart raises carries one of these stable, machine-readable codes. Match on the code, never on the
 * message. The list is closed on purpose: {@link STATUS_BY_CODE} must map each one, so adding a code without
 * deciding its gRPC status fails to compile.
 */
export type ErrorCode =
  // caller mistakes
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
 * The gRPC status each error code is sent with. A `Record` over the whole union: a code without a status does
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

/** The message a client sees for any error that is not safe to describe (INTERNAL, unknown). */
export const GENERIC_INTERNAL_MESSAGE = 'internal error';

/** Options for {@link RampartError}. */
export interface RampartErrorOptions {
  /** The underlying error. Logged, never sent to a client. */
  readonly cause?: unknown;
  /**
   * A precise, internal reason (for the audit log and server logs), e.g. `"aud mismatch: got orders"`.
   * Never sent to a client; the message is what goes on the wire.
   */
  readonly reason?: string;
}

/**
 * The one error class of Rampart. The `message` is short and safe to send to a client (except for codes that map
 * to INTERNAL, whose message is replaced by a generic one on the wire); `cause` and `reason` are for logs only.
 *
 * @example
 * ```ts
 * throw new RampartError('ERR_NOT_FOUND', `no stock for sku ${sku}`);
 * throw new RampartError('ERR_TOKEN_EXPIRED', 'invalid token', { reason: 'exp 1700000000 < now' });
 * ```
 */
export class RampartError extends Error {
  override readonly name = 'RampartError';
  readonly code: ErrorCode;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, options: RampartErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
  }

  /** The gRPC status this error is sent with. */
  get status(): Status {
    return STATUS_BY_CODE[this.code];
  }

  /** The message that may go on the wire: the error's own message, or a generic one for INTERNAL. */
  get publicMessage(): string {
    return this.status === Status.INTERNAL ? GENERIC_INTERNAL_MESSAGE : this.message;
  }

  /**
   * Turns anything thrown into a RampartError: a RampartError is returned as is, an abort becomes
   * `ERR_CANCELLED`, anything else becomes `ERR_INTERNAL` with a generic message and the original as `cause`.
   *
   * @example
   * ```ts
   * try { await work(); } catch (e) { const err = RampartError.from(e); log.error({ err: err.cause }, err.message); }
   * ```
   */
  static from(value: unknown): RampartError {
    if (RampartError.is(value)) return value;
    if (isAbortError(value)) return new RampartError('ERR_CANCELLED', 'call cancelled', { cause: value });
    return new RampartError('ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE, { cause: value });
  }

  /** True for a RampartError, also one from another copy of this package (checked by name and code). */
  static is(value: unknown): value is RampartError {
    return (
      value instanceof RampartError ||
      (value instanceof Error && value.name === 'RampartError' && typeof (value as { code?: unknown }).code === 'string')
    );
  }
}

function isAbortError(value: unknown): boolean {
  return value instanceof Error && (value.name === 'AbortError' || (value as { code?: unknown }).code === 'ABORT_ERR');
}
