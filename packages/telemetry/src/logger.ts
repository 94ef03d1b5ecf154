import { hostname } from 'node:os';
import type { Logger } from '@rampart/core';
import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type Logger as PinoLogger,
  type LoggerOptions as PinoLoggerOptions,
} from 'pino';
import { logDestination, type LogFormat, type LogSink } from './log-destination.js';
import { hardenChildOptions, logRedaction, scrubLogArgs, scrubLogObject, serializers } from './log-scrubbing.js';
import { traceContextFields } from './log-trace-context.js';

/**
 * Options for {@link createLogger}.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const options: LoggerOptions = { name: 'orders', level: 'debug', destination: { write: (l) => lines.push(l) } };
 * ```
 */
export interface LoggerOptions {
  /** The app's name, written as `name` on every line. */
  readonly name: string;
  /** The lowest level written: `trace`, `debug`, `info` (default), `warn`, `error`, `fatal` or `silent`. */
  readonly level?: string;
  /** Where lines go (default: stdout). Tests pass `{ write: (line) => lines.push(line) }`. */
  readonly destination?: LogSink;
  /**
   * `json`, `pretty` (pino-pretty) or `auto` (default: pretty on a TTY stdout outside production, else JSON). Lines
   * are redacted before they are formatted, so both formats hide the same secrets.
   */
  readonly format?: LogFormat;
  /** Fields written on every line, next to `pid`, `hostname` and `name`. Scrubbed like everything else. */
  readonly base?: Record<string, unknown>;
}

type ChildFn = (this: PinoLogger, bindings: Bindings, options?: ChildLoggerOptions<never>) => PinoLogger;
type SetBindingsFn = (this: PinoLogger, bindings: Bindings) => void;

/**
 * Creates the JSON-lines logger (pino) with Rampart's redaction: `authorization`, tokens, keys and passwords never
 * reach the output, whether they come as known fields (pino `redact`), in nested objects, metadata maps, Error
 * messages, stacks and causes, message strings and format arguments, or in a child logger's bindings. Child
 * loggers (`logger.child({...})`) keep the same rules, also when they pass their own pino options. A line written
 * while a span is active (inside a call) carries `trace_id`, `span_id` and `trace_flags`.
 *
 * @example
 * ```ts
 * const logger = createLogger({ name: 'inventory', level: 'debug' });
 * const log = logger.child({ method: 'Reserve', requestId });
 * log.info({ sku: req.sku, metadata: call.metadata }, 'reserving'); // metadata.authorization → "[redacted]"
 * log.error({ err }, 'reserve failed');                             // tokens in err.message/stack/cause scrubbed
 * ```
 */
export function createLogger(options: LoggerOptions): Logger & PinoLogger {
  const config: PinoLoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    base: { pid: process.pid, hostname: hostname(), ...options.base },
    redact: logRedaction(),
    serializers,
    formatters: { bindings: scrubLogObject, log: scrubLogObject },
    hooks: { logMethod: scrubLogArgs },
    // The active span's trace and span id on every line written inside a call.
    mixin: traceContextFields,
  };
  const destination = logDestination(options.format, options.destination);
  const logger = destination === undefined ? pino(config) : pino(config, destination);
  secureChildren(logger);
  return logger;
}

/**
 * pino runs its `bindings` formatter only for the root logger, so the child bindings are scrubbed here, before
 * pino serializes them once. Children are created with `Object.create(parent)`, so they inherit these methods.
 */
function secureChildren(logger: PinoLogger): void {
  // Read as plain function-valued properties: they are called below with the right `this`.
  const { child, setBindings } = logger as unknown as { child: ChildFn; setBindings: SetBindingsFn };
  function secureChild(this: PinoLogger, bindings: Bindings, childOptions?: ChildLoggerOptions<never>): PinoLogger {
    const clean = scrubLogObject(bindings);
    return childOptions === undefined
      ? child.call(this, clean)
      : child.call(this, clean, hardenChildOptions(childOptions));
  }
  function secureSetBindings(this: PinoLogger, bindings: Bindings): void {
    setBindings.call(this, scrubLogObject(bindings));
  }
  Object.defineProperty(logger, 'child', { value: secureChild, writable: true, configurable: true });
  Object.defineProperty(logger, 'setBindings', { value: secureSetBindings, writable: true, configurable: true });
}

