import {
  stdSerializers,
  type ChildLoggerOptions,
  type LogFn,
  type Logger as PinoLogger,
  type redactOptions,
} from 'pino';
import { REDACTED, scrubString } from './redaction-rules.js';
import { scrubForLog } from './scrub.js';

/**
 * Known places of secrets, redacted by pino's own (fast, path-compiled) redaction while it serializes. Only
 * top-level and fixed paths: a leading wildcard would put every field of every line through the redactor. The deep
 * scrub ({@link scrubLogObject}) catches the rest.
 */
const REDACT_PATHS: readonly string[] = [
  'authorization',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'privateKey',
  'private_key',
  'key',
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'metadata.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'request.metadata.authorization',
];

/**
 * The pino `redact` option: Rampart's known paths plus any extra ones, censored with `[redacted]`.
 *
 * @example
 * ```ts
 * pino({ redact: logRedaction(['user.ssn']) });
 * ```
 */
export function logRedaction(extra: readonly string[] = []): redactOptions {
  return { paths: [...REDACT_PATHS, ...extra], censor: REDACTED };
}

const SCRUB_FAILED = { logScrubFailed: true } as const;

/**
 * Deep-scrubs what pino is about to write (the merging object, bindings, serializer output), copying only what
 * changes. A value whose walk throws (a getter, a `toJSON`) is dropped rather than written unchecked.
 *
 * @example
 * ```ts
 * scrubLogObject({ metadata: { authorization: ['Bearer …'] } }); // { metadata: { authorization: '[redacted]' } }
 * ```
 */
export function scrubLogObject<T>(value: T): T {
  try {
    return scrubForLog(value);
  } catch {
    return SCRUB_FAILED as T;
  }
}

/**
 * pino serializers: `err` runs pino's standard error serializer (type, message and stack with causes, own
 * properties) and scrubs its output; `msg` scrubs the final message, also one pino takes from an Error or builds
 * from format arguments.
 *
 * @example
 * ```ts
 * pino({ serializers });
 * ```
 */
export const serializers = {
  err: (err: unknown): unknown => scrubLogObject(stdSerializers.err(err as Error)),
  msg: (msg: unknown): unknown => (typeof msg === 'string' ? scrubString(msg) : scrubLogObject(msg)),
};

/**
 * pino `hooks.logMethod`: scrubs object format arguments (`log.info('%j', obj)`) before pino interpolates them
 * into the message, where key-based redaction could no longer see them. Costs nothing without format arguments.
 *
 * @example
 * ```ts
 * pino({ hooks: { logMethod: scrubLogArgs } });
 * ```
 */
export function scrubLogArgs(this: PinoLogger, args: Parameters<LogFn>, method: LogFn): void {
  const list = args as unknown[];
  for (let i = typeof list[0] === 'string' ? 1 : 2; i < list.length; i++) {
    const arg = list[i];
    if (typeof arg === 'object' && arg !== null) list[i] = scrubLogObject(arg);
  }
  method.apply(this, args);
}

type Formatters = NonNullable<ChildLoggerOptions['formatters']>;
type Serializer = (value: unknown) => unknown;

/**
 * Keeps a child logger's own pino options from opening a hole: its `formatters` and `serializers` outputs are
 * scrubbed, and its `redact` paths are added to Rampart's instead of replacing them.
 *
 * @example
 * ```ts
 * pinoLogger.child(bindings, hardenChildOptions({ redact: ['user.ssn'] }));
 * ```
 */
export function hardenChildOptions<O extends ChildLoggerOptions<string>>(options: O): O {
  const out: O = { ...options };
  const { formatters, serializers: own, redact } = options;
  if (formatters !== undefined) out.formatters = hardenFormatters(formatters);
  if (own !== undefined) {
    const wrapped: Record<string, Serializer> = {};
    for (const [key, fn] of Object.entries(own) as [string, Serializer][]) {
      wrapped[key] = (value) => scrubLogObject(fn(value));
    }
    out.serializers = wrapped;
  }
  if (Array.isArray(redact)) out.redact = logRedaction(redact);
  else if (redact !== undefined) {
    out.redact = { ...redact, paths: [...REDACT_PATHS, ...redact.paths], censor: redact.censor ?? REDACTED };
  }
  return out;
}

function hardenFormatters(formatters: Formatters): Formatters {
  const { bindings, log } = formatters;
  return {
    ...formatters,
    ...(bindings && { bindings: (b: Parameters<typeof bindings>[0]) => scrubLogObject(bindings(b)) }),
    ...(log && { log: (o: Parameters<typeof log>[0]) => scrubLogObject(log(o)) }),
  };
}
