/**
 * How far `notBefore` is backdated by default, to tolerate clock skew between machines: 5 minutes.
 *
 * @example
 * ```ts
 * const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
 * ```
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A certificate's validity window.
 *
 * @example
 * ```ts
 * const window: ValidityWindow = { notBefore: new Date(), notAfter: new Date(Date.now() + 3_600_000) };
 * ```
 */
export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Computes a validity window, in whole seconds (what X.509 can hold).
 *
 * - Neither date given: from `now - 5 min` (clock skew) to `now + lifetime`.
 * - Only `notBefore`: from it to `notBefore + lifetime`.
 * - Only `notAfter`: from `min(now - 5 min, notAfter - lifetime)` to it.
 * - Both: exactly those (used by tests to make expired or not-yet-valid certificates).
 *
 * @throws RangeError when the lifetime is not a positive finite number, a date is invalid, or the window
 *   ends before it starts.
 *
 * @example
 * ```ts
 * const { notBefore, notAfter } = validityWindow({ lifetimeMs: 24 * 3_600_000, label: 'validityHours' });
 * ```
 */
export function validityWindow(options: {
  readonly lifetimeMs: number;
  readonly label: string;
  readonly notBefore?: Date | undefined;
  readonly notAfter?: Date | undefined;
  readonly now?: Date | undefined;
}): ValidityWindow {
  const { lifetimeMs, label } = options;
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
    throw new RangeError(`${label} must be a positive number`);
  }
  const now = (options.now ?? new Date()).getTime();
  const givenBefore = checkedTime(options.notBefore, 'notBefore');
  const givenAfter = checkedTime(options.notAfter, 'notAfter');

  let start: number;
  let end: number;
  if (givenBefore !== undefined && givenAfter !== undefined) {
    start = givenBefore;
    end = givenAfter;
  } else if (givenBefore !== undefined) {
    start = givenBefore;
    end = givenBefore + lifetimeMs;
  } else if (givenAfter !== undefined) {
    start = Math.min(now - CLOCK_SKEW_MS, givenAfter - lifetimeMs);
    end = givenAfter;
  } else {
    start = now - CLOCK_SKEW_MS;
    end = now + lifetimeMs;
  }
  const notBefore = new Date(floorToSecond(start));
  const notAfter = new Date(floorToSecond(end));
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new RangeError(
      `notAfter (${notAfter.toISOString()}) must be later than notBefore (${notBefore.toISOString()})`,
    );
  }
  return { notBefore, notAfter };
}

function checkedTime(date: Date | undefined, label: string): number | undefined {
  if (date === undefined) {
    return undefined;
  }
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${label} must be a valid Date`);
  }
  return date.getTime();
}

function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
