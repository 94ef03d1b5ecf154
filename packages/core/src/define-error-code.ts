import { isBuiltInCode, isErrorCodeShape, type CustomErrorCode, type ErrorCode } from './error-codes.js';
import { Status, statusName } from './status.js';

/** An error code with its gRPC status: a built-in code's, or one from {@link defineErrorCode}. */
export interface ErrorCodeDefinition<C extends string = string> {
  readonly code: C;
  readonly status: Status;
}

const defined = new Map<string, Status>();

/**
 * Defines an application error code and the gRPC status it is sent with. Throw it with
 * `new RampartError(ERR_OUT_OF_STOCK, 'message')`; clients (Rampart's) see the same `code` and `status`. The code
 * must look like the built-in ones (`ERR_` and upper-case words) and must not be a built-in code; defining one
 * code twice with different statuses throws, since a code means one thing. `Status.OK` is not an error.
 *
 * @example
 * ```ts
 * import { defineErrorCode, RampartError, Status } from '@rampart/core';
 *
 * export const ERR_OUT_OF_STOCK = defineErrorCode('ERR_OUT_OF_STOCK', Status.FAILED_PRECONDITION);
 * // in a handler
 * throw new RampartError(ERR_OUT_OF_STOCK, 'not enough stock for this order');
 * // in a caller
 * try { await inventory.reserve(request); } catch (e) { if (RampartError.is(e) && e.code === ERR_OUT_OF_STOCK.code) { ... } }
 * ```
 */
export function defineErrorCode<C extends CustomErrorCode>(
  code: C & (C extends ErrorCode ? 'is a built-in code: define a code of your own' : unknown),
  status: Status,
): ErrorCodeDefinition<C> {
  if (!isErrorCodeShape(code)) {
    throw new TypeError(`defineErrorCode("${String(code).slice(0, 80)}"): a code is ERR_ and upper-case words joined by _, at most 64 characters`);
  }
  if (isBuiltInCode(code)) {
    throw new TypeError(`defineErrorCode("${code}"): ${code} is built in; define a code of your own`);
  }
  if (!Number.isInteger(status) || status <= Status.OK || status > Status.UNAUTHENTICATED) {
    throw new TypeError(`defineErrorCode("${code}"): ${String(status)} is not an error status; use a Status such as Status.FAILED_PRECONDITION`);
  }
  const earlier = defined.get(code);
  if (earlier !== undefined && earlier !== status) {
    throw new TypeError(
      `defineErrorCode("${code}"): already defined with ${statusName(earlier)}, now with ${statusName(status)}; a code has one status`,
    );
  }
  defined.set(code, status);
  return Object.freeze({ code, status });
}
