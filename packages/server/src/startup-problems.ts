import { RampartError, type ErrorCode } from '@rampart/core';

/** One reason not to start: its error code and a line that names the offender and the fix. */
export interface StartupProblem {
  readonly code: ErrorCode;
  readonly text: string;
}

/** Adds a RampartError as a problem; anything else is a bug and is thrown on. */
export function collectProblem(problems: StartupProblem[], error: unknown): void {
  if (!RampartError.is(error)) throw error;
  problems.push({ code: error.code, text: error.message });
}

/**
 * The error that refuses start-up, listing every problem: `ERR_NO_AUTH_DECISION` when a method lacks an auth
 * decision (default deny comes first), else the first problem's code.
 */
export function startupRefusal(problems: readonly StartupProblem[]): RampartError {
  const code = problems.some((p) => p.code === 'ERR_NO_AUTH_DECISION')
    ? 'ERR_NO_AUTH_DECISION'
    : (problems[0] as StartupProblem).code;
  return new RampartError(
    code,
    `refusing to start: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p.text}`).join('\n')}`,
  );
}
