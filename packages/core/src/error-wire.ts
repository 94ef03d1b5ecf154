import { decodeRpcStatus, STATUS_DETAILS_TRAILER } from './error-details.js';
import { CODE_BY_STATUS, STATUS_BY_CODE, isBuiltInCode, isErrorCodeShape, isServerFault } from './error-codes.js';
import { ERROR_CODE_TRAILER, ErrorMetadata, type ErrorMetadataValue } from './error-metadata.js';
import { GENERIC_INTERNAL_MESSAGE, RampartError } from './errors.js';
import { Status, statusName } from './status.js';

/**
 * The code a server sends with an error in the `rampart-error-code` trailer, or `undefined` to send none (the
 * client then reports the status's own code). None for server faults, whose code stays in the logs, and none for
 * the built-in authentication and authorization codes: `ERR_TOKEN_EXPIRED` against `ERR_TOKEN_INVALID` would tell
 * a caller with a stolen or forged token which check it failed, so those go out as `ERR_UNAUTHENTICATED` /
 * `ERR_PERMISSION_DENIED`. Application codes are sent for every other status.
 */
export function codeOnTheWire(error: RampartError): string | undefined {
  if (isServerFault(error.status)) return undefined;
  if (!isBuiltInCode(error.code)) return error.code;
  if (error.status === Status.UNAUTHENTICATED || error.status === Status.PERMISSION_DENIED) return undefined;
  return error.code;
}

/** What a client knows of a failed call: grpc-js's `ServiceError` fields, taken apart. */
export interface ReceivedStatus {
  readonly status: number;
  /** The server's message (`grpc-message`). */
  readonly message: string;
  /** The trailers, each key with its values. */
  readonly trailers?: Iterable<readonly [string, readonly ErrorMetadataValue[]]>;
  readonly cause?: unknown;
}

/**
 * The error a client call ends with: `status` and message as received, `code` from the `rampart-error-code`
 * trailer when it is a well-formed code that fits the status (else the status's own code), details from
 * `grpc-status-details-bin` when it decodes and names the same status, `downstream` set.
 */
export function receivedError(received: ReceivedStatus): RampartError {
  // An error with status OK (or a number gRPC does not define) is UNKNOWN: it is still a failed call.
  const known = Object.hasOwn(CODE_BY_STATUS, received.status) && received.status !== Status.OK;
  const status = (known ? received.status : Status.UNKNOWN) as Status;
  const metadata = ErrorMetadata.received(received.trailers ?? []);
  const sentCode = metadata.get(ERROR_CODE_TRAILER)[0];
  const code = typeof sentCode === 'string' && fitsStatus(sentCode, status) ? sentCode : CODE_BY_STATUS[status];
  const detailsBytes = metadata.get(STATUS_DETAILS_TRAILER)[0];
  const decoded = Buffer.isBuffer(detailsBytes) ? decodeRpcStatus(detailsBytes) : undefined;
  return new RampartError({ code, status }, received.message, {
    metadata,
    details: decoded?.code === status ? decoded.details : [],
    downstream: true,
    ...(received.cause === undefined ? {} : { cause: received.cause }),
  });
}

function fitsStatus(code: string, status: Status): boolean {
  if (isServerFault(status) || !isErrorCodeShape(code)) return false;
  return isBuiltInCode(code) ? STATUS_BY_CODE[code] === status : true;
}

/** Statuses of a downstream call that are the outcome of the request itself, passed on to this call's caller. */
const REQUEST_OUTCOMES: ReadonlySet<Status> = new Set<Status>([
  Status.CANCELLED,
  Status.INVALID_ARGUMENT,
  Status.DEADLINE_EXCEEDED,
  Status.NOT_FOUND,
  Status.ALREADY_EXISTS,
  Status.RESOURCE_EXHAUSTED,
  Status.FAILED_PRECONDITION,
  Status.ABORTED,
  Status.OUT_OF_RANGE,
]);

/** The message a caller gets when a service this one depends on failed. */
export const DEPENDENCY_UNAVAILABLE_MESSAGE = 'a dependency is unavailable';

/**
 * The downstream rule: what a caller gets when a handler lets a downstream call's error escape. Errors this process
 * made are returned as they are.
 * - Request outcomes (CANCELLED, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
 *   RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE) pass with their code and message.
 * - UNAUTHENTICATED and PERMISSION_DENIED become INTERNAL: the other service refused this service's credentials,
 *   a fault of this service, not of its caller's (whose own credentials were checked here).
 * - Everything else (UNAVAILABLE, INTERNAL, UNKNOWN, UNIMPLEMENTED, DATA_LOSS) becomes UNAVAILABLE with a generic
 *   message.
 * The downstream metadata and details are never forwarded; the downstream error is the `cause`, and its status and
 * message are the `reason`, for the logs.
 */
export function errorForCaller(error: RampartError): RampartError {
  if (!error.downstream) return error;
  const reason = `downstream call failed: ${statusName(error.status)} ${error.code}: ${error.message}`;
  if (REQUEST_OUTCOMES.has(error.status)) {
    return new RampartError({ code: error.code, status: error.status }, error.message, { cause: error, reason });
  }
  if (error.status === Status.UNAUTHENTICATED || error.status === Status.PERMISSION_DENIED) {
    return new RampartError('ERR_INTERNAL', GENERIC_INTERNAL_MESSAGE, { cause: error, reason });
  }
  return new RampartError('ERR_UNAVAILABLE', DEPENDENCY_UNAVAILABLE_MESSAGE, { cause: error, reason });
}
