import type { Exception } from '@opentelemetry/api';
import { statusName } from '@rampart/core';
import { scrubString } from './redaction-rules.js';
import { scrubSecrets } from './scrub.js';

const MAX_CAUSES = 5;

/**
 * What a span records for an error: name, scrubbed message, and the scrubbed stack followed by the stacks of its
 * causes (`caused by: …`), so an INTERNAL error's real reason reaches the trace but no token does.
 *
 * @example
 * ```ts
 * span.recordException(toException(err));
 * ```
 */
export function toException(error: unknown): Exception {
  if (error instanceof Error) {
    return { name: error.name, message: scrubString(error.message), stack: scrubString(stackWithCauses(error)) };
  }
  return { message: describe(error) };
}

/**
 * The span status description for a failed call: the error's scrubbed message, or the status name.
 *
 * @example
 * ```ts
 * statusMessage(13, new Error('db down')); // "db down"
 * statusMessage(14);                       // "UNAVAILABLE"
 * ```
 */
export function statusMessage(status: number, error: unknown): string {
  if (error instanceof Error && error.message !== '') return scrubString(error.message);
  return statusName(status);
}

function stackWithCauses(error: Error): string {
  let out = error.stack ?? `${error.name}: ${error.message}`;
  let cause: unknown = error.cause;
  for (let i = 0; i < MAX_CAUSES && cause !== undefined; i++) {
    out += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : describe(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null) return String(value);
  const tag = Object.prototype.toString.call(value);
  try {
    return JSON.stringify(scrubSecrets(value)) ?? tag;
  } catch {
    return tag;
  }
}
