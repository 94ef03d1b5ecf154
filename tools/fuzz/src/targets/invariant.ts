import { RampartError } from '@rampart/core';

/** An input broke a target's invariant: what the fuzzer reports as a finding. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/**
 * Stops the run with an {@link InvariantViolation} naming the rule when `condition` is false.
 *
 * @example
 * ```ts
 * holds(parsed.trustDomain === trustDomain, 'the trust domain reads back');
 * ```
 */
export function holds(condition: boolean, rule: string): asserts condition {
  if (!condition) throw new InvariantViolation(rule);
}

/**
 * Checks a refusal: a `RampartError` with one of `codes`, one of the short `messages` a client may see, and a reason
 * (what goes to the audit log) of bounded length that does not repeat `input` when that is longer than 80 characters.
 */
export function refusedSafely(
  error: unknown,
  expected: { readonly codes: readonly string[]; readonly messages: readonly string[]; readonly input?: string },
): void {
  if (!(error instanceof RampartError)) {
    throw new InvariantViolation(`refused with ${error instanceof Error ? error.name : typeof error}, not a RampartError: ${String(error)}`);
  }
  holds(expected.codes.includes(error.code), `refused with code ${error.code}, not one of ${expected.codes.join(', ')}`);
  holds(expected.messages.includes(error.message), `a client would see ${JSON.stringify(error.message)}`);
  const reason = error.reason ?? '';
  holds(reason.length <= 2_000, `a reason of ${reason.length} characters`);
  const input = expected.input ?? '';
  holds(input.length <= 80 || !reason.includes(input), 'the reason repeats the input');
}

/** An input split at NUL bytes into at most `max` parts (the last keeps any further NULs). */
export function parts(data: Buffer, max: number): Buffer[] {
  const out: Buffer[] = [];
  let rest = data;
  while (out.length < max - 1) {
    const at = rest.indexOf(0);
    if (at === -1) break;
    out.push(rest.subarray(0, at));
    rest = rest.subarray(at + 1);
  }
  out.push(rest);
  return out;
}
