import { fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { pathToString } from '@bufbuild/protobuf/reflect';
import type { Validator, Violation } from '@bufbuild/protovalidate';
import { RampartError, richDetails, type Logger } from '@rampart/core';
import { oneofPruner, type OneofPruner } from './oneof-members.js';

/** At most this many field violations go to the client (the count of the rest is said). */
export const MAX_REPORTED_VIOLATIONS = 20;
/** Deeper than protobufjs decodes (it refuses depth 101), so a request the handler could get is read. */
const RECURSION_LIMIT = 128;
/** A rule's message is cut to this many characters in the details (rules are the service's; keep replies small). */
const MAX_DESCRIPTION = 200;

/**
 * Checks one message type: the message as the handler would get it is encoded with the method's serializer (what the
 * client sent), read as a protobuf-es message and evaluated by protovalidate.
 */
export class RequestValidator {
  readonly #pruneOneofs: OneofPruner | undefined;

  constructor(
    private readonly validator: Validator,
    private readonly schema: DescMessage,
    private readonly serialize: (message: unknown) => Uint8Array,
    private readonly logger: Logger,
  ) {
    this.#pruneOneofs = oneofPruner(schema);
  }

  /**
   * @throws RampartError `ERR_INVALID_ARGUMENT` with `google.rpc.BadRequest` details for a message that breaks its
   *   rules; `ERR_INTERNAL` when a rule cannot be evaluated (a CEL expression that fails to compile or errs): the
   *   call fails closed, the reason is logged.
   */
  check(message: unknown): void {
    // Only the oneof member protobuf says is set reaches the handler: the one that is validated.
    this.#pruneOneofs?.(message);
    // Unknown fields are not read (nothing validates them); nesting as deep as proto-loader decodes is read.
    const decoded = fromBinary(this.schema, this.serialize(message), { readUnknownFields: false, recursionLimit: RECURSION_LIMIT });
    const result = this.validator.validate(this.schema, decoded);
    if (result.kind === 'valid') return;
    if (result.kind === 'error') {
      this.logger.error({ err: result.error, messageType: this.schema.typeName }, 'a validation rule could not be evaluated; the call fails');
      throw new RampartError('ERR_INTERNAL', 'validation failed', { cause: result.error, reason: `protovalidate: ${result.error.message}` });
    }
    throw invalidArgument(result.error.violations);
  }
}

/** INVALID_ARGUMENT naming the first violation, with every violation (up to a bound) as BadRequest field violations. */
export function invalidArgument(violations: readonly Violation[]): RampartError {
  const reported = violations.slice(0, MAX_REPORTED_VIOLATIONS);
  const fieldViolations = reported.map((violation) => ({
    field: fieldPath(violation).slice(0, MAX_DESCRIPTION),
    description: violation.message.slice(0, MAX_DESCRIPTION),
    reason: violation.ruleId,
  }));
  const first = fieldViolations[0];
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  const message = first === undefined ? 'invalid request' : `invalid request: ${first.field === '' ? '' : `${first.field}: `}${first.description}${more}`;
  return new RampartError('ERR_INVALID_ARGUMENT', message, {
    details: [richDetails.badRequest({ fieldViolations })],
    reason: fieldViolations.map((v) => `${v.field} ${v.reason}`).join(', ').slice(0, 2_000),
  });
}

/** The field path as google.rpc.BadRequest writes it (`items[0].sku`); empty for a message-level rule. */
function fieldPath(violation: Violation): string {
  return pathToString(violation.field);
}
