/**
 * Where a command writes and what it runs in: the CLI's process streams in `main.ts`, buffers in tests.
 *
 * @example
 * ```ts
 * const io: CliIo = { cwd: process.cwd(), env: process.env, out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: false };
 * ```
 */
export interface CliIo {
  /** The directory relative paths and the repository search start from. */
  readonly cwd: string;
  /** The environment (e.g. `npm_execpath`, to find the pnpm that started the CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard output: results (a token, a table, JSON). */
  out(text: string): void;
  /** Standard error: progress, hints and errors. */
  err(text: string): void;
  /** Whether `err` is a terminal (progress then updates one line in place). */
  readonly tty: boolean;
}

/**
 * A wrong command line: the CLI prints the message and the command's usage, and exits with 2.
 *
 * @example
 * ```ts
 * throw new UsageError('new service needs a <name>', 'new');
 * ```
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The help topic to print (a command name). */
    readonly topic?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A failure the user can act on (a missing file, a refused overwrite): the CLI prints the message and exits with 1.
 *
 * @example
 * ```ts
 * throw new CliError(`apps/payments already exists: nothing was written`);
 * ```
 */
export class CliError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Exit codes of the CLI: 0 success, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
