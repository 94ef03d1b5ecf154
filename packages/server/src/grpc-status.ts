import { Metadata, type StatusObject } from '@grpc/grpc-js';
import { RampartError, Status, type Logger } from '@rampart/core';

/** The status object sent for an error: its mapped code and its public (safe) message. */
export function statusOf(error: RampartError): StatusObject {
  return { code: error.status, details: error.publicMessage, metadata: new Metadata() };
}

/** A ServiceError-shaped object for grpc-js callbacks and stream `error` events. */
export function serviceErrorOf(error: RampartError): { code: number; details: string; metadata: Metadata } {
  return { code: error.status, details: error.publicMessage, metadata: new Metadata() };
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
  if (error.status === Status.INTERNAL || error.status === Status.UNKNOWN || error.status === Status.DATA_LOSS) {
    logger.error({ err: error.cause ?? error, code: error.code }, 'handler failed');
  } else if (logger.isLevelEnabled('debug')) {
    logger.debug({ code: error.code, reason: error.reason }, error.message);
  }
}
