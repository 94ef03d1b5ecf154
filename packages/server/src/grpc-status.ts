import { Metadata } from '@grpc/grpc-js';
import {
  codeOnTheWire,
  encodeRpcStatus,
  ERROR_CODE_TRAILER,
  RampartError,
  STATUS_DETAILS_TRAILER,
  type Logger,
  type ResponseMetadata,
} from '@rampart/core';

/**
 * A ServiceError-shaped object for grpc-js callbacks and stream `error` events: the error's status and public
 * message, and as trailers its code (`rampart-error-code`, see `codeOnTheWire`), its metadata and its details
 * (`grpc-status-details-bin`). A server fault sends its status and a generic message only.
 */
export function serviceErrorOf(
  error: RampartError,
  trailers: ResponseMetadata | undefined = undefined,
): { code: number; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  if (!error.isServerFault) {
    // The call's own trailers first (a rate limit's), then the error's, which win for a key they share.
    if (trailers !== undefined) addTo(metadata, trailers);
    for (const [key, values] of error.metadata.sendable()) {
      metadata.remove(key);
      for (const value of values) metadata.add(key, value);
    }
    const code = codeOnTheWire(error);
    if (code !== undefined) metadata.set(ERROR_CODE_TRAILER, code);
    if (error.details.length > 0) {
      metadata.set(
        STATUS_DETAILS_TRAILER,
        encodeRpcStatus({ code: error.status, message: error.publicMessage, details: error.details }),
      );
    }
  }
  return { code: error.status, details: error.publicMessage, metadata };
}

/** grpc-js metadata holding `entries` (checked when they were set), or undefined when there are none. */
export function grpcMetadataOf(entries: ResponseMetadata | undefined): Metadata | undefined {
  if (entries === undefined) return undefined;
  const metadata = new Metadata();
  addTo(metadata, entries);
  return metadata;
}

function addTo(metadata: Metadata, entries: ResponseMetadata): void {
  for (const [key, values] of entries.entries()) {
    metadata.remove(key);
    for (const value of values) metadata.add(key, value);
  }
}

const DEADLINE_MARGIN_MS = 100;

/** The error a call gets when it is cancelled or its deadline passes. */
export function cancellationError(deadline: Date | undefined): RampartError {
  // A client whose deadline passes cancels the stream itself, usually a moment before the server's own timer fires,
  // so a cancel that arrives within the margin of the deadline is reported as the deadline it almost certainly is.
  return deadline !== undefined && deadline.getTime() - Date.now() <= DEADLINE_MARGIN_MS
    ? new RampartError('ERR_DEADLINE_EXCEEDED', 'deadline exceeded')
    : new RampartError('ERR_CANCELLED', 'call cancelled');
}

/** Logs an error that ended a call: server faults at error with the cause, caller faults at debug. */
export function logCallError(logger: Logger, error: RampartError): void {
  if (error.isServerFault) {
    logger.error({ err: error.cause ?? error, code: error.code, reason: error.reason }, 'handler failed');
  } else if (logger.isLevelEnabled('debug')) {
    logger.debug({ code: error.code, reason: error.reason }, error.message);
  }
}
