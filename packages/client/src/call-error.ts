import type { ServiceError } from '@grpc/grpc-js';
import { RampartError, Status } from '@rampart/core';
import { receivedError } from '@rampart/core/internal';

/**
 * The error a failed call rejects with: a grpc-js `ServiceError` becomes a downstream `RampartError` (status,
 * message, code, trailers and details as received, see `receivedError`); a RampartError (one this client raised
 * before sending, such as no token) is returned as is; anything else is UNKNOWN, downstream.
 */
export function callError(error: unknown): RampartError {
  if (RampartError.is(error)) return error;
  const e = error as Partial<ServiceError> | undefined;
  if (typeof e?.code === 'number') {
    const trailers = Object.entries(e.metadata?.toJSON() ?? {});
    return receivedError({ status: e.code, message: e.details ?? e.message ?? '', trailers, cause: error });
  }
  return receivedError({ status: Status.UNKNOWN, message: error instanceof Error ? error.message : String(error), cause: error });
}
