import type { ErrorDetail } from './error-details.js';
import {
  CODE_BY_STATUS,
  STATUS_BY_CODE,
  isBuiltInCode,
  isErrorCodeShape,
  isServerFault,
  type ErrorCode,
  type RampartErrorCode,
} from './error-codes.js';
import { ErrorMetadata, type ErrorMetadataInit } from './error-metadata.js';
import type { ErrorCodeDefinition } from './define-error-code.js';
import { Status } from './status.js';

/** The message a client sees for any error that is not safe to describe (INTERNAL, UNKNOWN, DATA_LOSS). */
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
  /** Response metadata sent with the error (trailers); on a client, the trailers received. */
  readonly metadata?: ErrorMetadataInit | ErrorMetadata;
  /** Structured details (`google.protobuf.Any`), sent in `grpc-status-details-bin`. */
  readonly details?: readonly ErrorDetail[];
  /**
   * True for an error a call to another service ended with (set by `@rampart/client`). A handler that lets such an
   * error escape is answered by the downstream rule (`errorForCaller`), never with the other service's status as is.
   */
  readonly downstream?: boolean;
}

/**
 * The one error class of Rampart, on servers and clients alike. `status` is the gRPC status; `code` the stable
 * string to match on (`ERR_NOT_FOUND`, or an application's own from `defineErrorCode`). The `message` is short and
 * safe to send to a client, except for server faults (INTERNAL, UNKNOWN, DATA_LOSS), whose message, code, metadata
 * and details never leave the process. `cause` and `reason` are for logs only.
 *
 * @example
 * ```ts
 * throw new RampartError('ERR_NOT_FOUND', `no stock for sku ${sku}`);
 * throw new RampartError('ERR_TOKEN_EXPIRED', 'invalid token', { reason: 'exp 1700000000 < now' });
 * throw new RampartError('ERR_RESOURCE_EXHAUSTED', 'slow down', { metadata: { 'retry-after-ms': '250' } });
 * ```
 */
export class RampartError extends Error {
  override readonly name = 'RampartError';
  readonly code: RampartErrorCode;
  readonly status: Status;
  readonly reason: string | undefined;
  readonly metadata: ErrorMetadata;
  readonly details: readonly ErrorDetail[];
  readonly downstream: boolean;

  /**
   * @throws TypeError for metadata gRPC could not send (see `ErrorMetadata.of`), or a code that is neither built
   *   in nor a definition.
   */
  constructor(code: ErrorCode | ErrorCodeDefinition, message: string, options: RampartErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (typeof code === 'string') {
      if (!isBuiltInCode(code)) throw new TypeError(`unknown error code ${JSON.stringify(String(code).slice(0, 80))}: use defineErrorCode`);
      this.code = code;
      this.status = STATUS_BY_CODE[code];
    } else {
      if (!isErrorCodeShape(code.code) || !isErrorStatus(code.status)) {
        throw new TypeError(`invalid error code definition ${JSON.stringify(String(code.code).slice(0, 80))}: use defineErrorCode`);
      }
      this.code = code.code;
      this.status = code.status;
    }
    this.reason = options.reason;
    this.metadata = ErrorMetadata.of(options.metadata);
    this.details = Object.freeze([...(options.details ?? [])]);
    this.downstream = options.downstream ?? false;
  }

  /** True when the error is a server fault: nothing of it but the status goes on the wire. */
  get isServerFault(): boolean {
    return isServerFault(this.status);
  }

  /** The message that may go on the wire: the error's own message, or a generic one for a server fault. */
  get publicMessage(): string {
    return this.isServerFault ? GENERIC_INTERNAL_MESSAGE : this.message;
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
    if (value instanceof RampartError) return value;
    // One from another copy of this package (or anything shaped like one): rebuilt from its code, status and
    // message only, checked, so nothing the sender relies on is missing or unchecked.
    if (RampartError.is(value)) return foreign(value);
    if (isAbortError(value)) return new RampartError('ERR_CANCELLED', 'call cancelled', { cause: value });
    return new RampartError('ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE, { cause: value });
  }

  /**
   * True for a RampartError, also one from another copy of this package (checked by name, code and status). With
   * a code or definition, also checks the code.
   *
   * @example
   * ```ts
   * if (RampartError.is(e, ERR_OUT_OF_STOCK)) return retryLater();
   * if (RampartError.is(e, 'ERR_NOT_FOUND')) return undefined;
   * ```
   */
  static is(value: unknown, code?: RampartErrorCode | ErrorCodeDefinition): value is RampartError {
    const shaped =
      value instanceof RampartError ||
      (value instanceof Error &&
        value.name === 'RampartError' &&
        typeof (value as { code?: unknown }).code === 'string' &&
        typeof (value as { status?: unknown }).status === 'number');
    if (!shaped || code === undefined) return shaped;
    return (value as RampartError).code === (typeof code === 'string' ? code : code.code);
  }
}

function isErrorStatus(status: unknown): status is Status {
  return typeof status === 'number' && Number.isInteger(status) && status > Status.OK && status <= Status.UNAUTHENTICATED;
}

function foreign(value: RampartError): RampartError {
  const status = isErrorStatus(value.status) ? value.status : Status.INTERNAL;
  const builtIn = isBuiltInCode(value.code) && STATUS_BY_CODE[value.code] === status;
  const code = builtIn || (!isBuiltInCode(value.code) && isErrorCodeShape(value.code)) ? value.code : CODE_BY_STATUS[status];
  const reason = typeof value.reason === 'string' ? value.reason : undefined;
  return new RampartError({ code, status }, String(value.message), { cause: value, ...(reason === undefined ? {} : { reason }) });
}

function isAbortError(value: unknown): boolean {
  return value instanceof Error && (value.name === 'AbortError' || (value as { code?: unknown }).code === 'ABORT_ERR');
}
