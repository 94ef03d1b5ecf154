import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

/** The options of one command, in `node:util` `parseArgs` form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommand} returns: the option values by name and the positional arguments. */
export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments strictly (unknown options are errors); every problem becomes a {@link UsageError}
 * for `topic`, so the CLI prints the command's usage and exits with 2. `--help`/`-h` is always accepted.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommand(argv, { out: { type: 'string' } }, 'certs');
 * ```
 */
export function parseCommand(argv: readonly string[], options: OptionSpec, topic: string): ParsedCommand {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), topic);
  }
}

/**
 * A string option's value, or `fallback`.
 *
 * @example
 * ```ts
 * const format = stringOption(values, 'format', 'table');
 * ```
 */
export function stringOption(values: ParsedCommand['values'], name: string, fallback: string): string;
export function stringOption(values: ParsedCommand['values'], name: string): string | undefined;
export function stringOption(values: ParsedCommand['values'], name: string, fallback?: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : fallback;
}

/**
 * A repeatable string option's values, each also split on commas (`--dns a --dns b,c` → `['a', 'b', 'c']`).
 *
 * @example
 * ```ts
 * const dnsNames = listOption(values, 'dns');
 * ```
 */
export function listOption(values: ParsedCommand['values'], name: string): string[] {
  const value = values[name];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * Refuses more positional arguments than a command takes.
 *
 * @example
 * ```ts
 * noExtraArguments(positionals, 1, 'certs');
 * ```
 */
export function noExtraArguments(positionals: readonly string[], max: number, topic: string): void {
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`, topic);
  }
}
