/** One log method: a message, or a structured object and an optional message (pino's calling convention). */
export interface LogFn {
  (msg: string): void;
  (obj: object, msg?: string): void;
}

/**
 * The logger Rampart code writes to. pino's `Logger` satisfies it; `@rampart/telemetry` creates one with the
 * redaction rules applied.
 */
export interface Logger {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  /** Whether a level is enabled, so callers can skip building expensive log objects. */
  isLevelEnabled(level: string): boolean;
}
