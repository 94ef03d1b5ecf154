import pinoPretty from 'pino-pretty';

/**
 * How log lines are written: `json` (one JSON object per line, for collectors), `pretty` (pino-pretty: a coloured,
 * human-readable line per entry, for a terminal), or `auto` (pretty when the lines go to stdout, stdout is a TTY and
 * `NODE_ENV` is not `production`; JSON otherwise).
 *
 * @example
 * ```ts
 * const format: LogFormat = 'pretty';
 * ```
 */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** Every `LogFormat`, as the config schema lists them. */
export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

/** Something pino can write lines to. */
export type LogSink = NodeJS.WritableStream | { write(s: string): void };

/**
 * What `auto` looks at, read from the process unless given (tests).
 *
 * @example
 * ```ts
 * resolveLogFormat('auto', { isTTY: true, nodeEnv: 'production' }); // 'json'
 * ```
 */
export interface LogFormatContext {
  /** Whether the lines go to a TTY: `process.stdout.isTTY` when they go to stdout, false for any other sink. */
  readonly isTTY: boolean;
  /** `process.env.NODE_ENV`. */
  readonly nodeEnv?: string | undefined;
}

/**
 * Resolves `auto` to `pretty` (a TTY outside production) or `json`; `json` and `pretty` stay as they are.
 *
 * @example
 * ```ts
 * resolveLogFormat('auto', { isTTY: true, nodeEnv: 'development' }); // 'pretty'
 * resolveLogFormat('auto', { isTTY: false });                         // 'json'
 * ```
 */
export function resolveLogFormat(format: LogFormat, context: LogFormatContext): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return context.isTTY && context.nodeEnv !== 'production' ? 'pretty' : 'json';
}

/**
 * The sink pino writes to for a format, or undefined for pino's own stdout stream (JSON to stdout, as before). JSON
 * goes straight to `sink`. Pretty lines are formatted from the JSON line pino has already serialized, so redaction and
 * scrubbing happen first and the same in both formats; colours only when writing to a TTY.
 *
 * @example
 * ```ts
 * pino(options, logDestination('pretty'));                                  // readable lines on stdout
 * pino(options, logDestination('json', { write: (l) => lines.push(l) }));  // tests
 * ```
 */
export function logDestination(format: LogFormat = 'auto', sink?: LogSink): LogSink | undefined {
  const isTTY = sink === undefined && process.stdout.isTTY === true;
  if (resolveLogFormat(format, { isTTY, nodeEnv: process.env['NODE_ENV'] }) === 'json') return sink;
  const prettify = pinoPretty.prettyFactory({ colorize: isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  const out = sink ?? process.stdout;
  return { write: (line: string) => void out.write(prettify(line)) };
}
