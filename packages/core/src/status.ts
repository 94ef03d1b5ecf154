/**
 * gRPC status codes, as numbers on the wire. Kept here so that the vocabulary does not depend on a transport.
 *
 * @example
 * ```ts
 * if (err.status === Status.UNAUTHENTICATED) { ... }
 * ```
 */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code. */
export type Status = (typeof Status)[keyof typeof Status];

const NAMES = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));

/**
 * The canonical name of a status code (`16` → `"UNAUTHENTICATED"`), for logs and audit lines.
 *
 * @example
 * ```ts
 * statusName(Status.PERMISSION_DENIED); // "PERMISSION_DENIED"
 * ```
 */
export function statusName(code: number): string {
  return NAMES.get(code) ?? `STATUS_${code}`;
}
