import { RampartError, Status, type RampartErrorCode } from '@rampart/core';
import { isBuiltInCode, STATUS_BY_CODE } from '@rampart/core/internal';

/**
 * One reason not to start: its error code and a line that names the offender and the fix; the status only for a
 * problem collected from an error (start-up problems are INTERNAL unless an application code says otherwise).
 */
export interface StartupProblem {
  readonly code: RampartErrorCode;
  readonly text: string;
  readonly status?: Status;
}

/** Adds a RampartError as a problem; anything else is a bug and is thrown on. */
export function collectProblem(problems: StartupProblem[], error: unknown): void {
  if (!RampartError.is(error)) throw error;
  problems.push({ code: error.code, status: error.status, text: error.message });
}

/**
 * The error that refuses start-up, listing every problem: `ERR_NO_AUTH_DECISION` when a method lacks an auth
 * decision (default deny comes first), else the first problem's code.
 */
export function startupRefusal(problems: readonly StartupProblem[]): RampartError {
  const first: StartupProblem = problems.find((p) => p.code === 'ERR_NO_AUTH_DECISION') ??
    problems[0] ?? { code: 'ERR_APP_STATE', text: 'no problem was listed' };
  return new RampartError(
    { code: first.code, status: first.status ?? (isBuiltInCode(first.code) ? STATUS_BY_CODE[first.code] : Status.INTERNAL) },
    `refusing to start: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p.text}`).join('\n')}`,
  );
}
