import convict from 'convict';
import { registerConfigFormats } from './formats.js';

/** A convict instance built from a merged schema, used for schema checks and defaults. */
export interface ConvictSchema {
  readonly config: convict.Config<Record<string, unknown>>;
}

/**
 * Builds convict's view of a merged schema with an empty environment and no command-line arguments, so that
 * nothing but the schema goes in. Throws convict's own error for a schema it refuses (e.g. an unknown format).
 *
 * @example
 * ```ts
 * const schema = buildConvict({ server: { port: { default: 50051, format: 'port' } } });
 * defaultOf(schema, 'server.port'); // 50051
 * ```
 */
export function buildConvict(schema: Readonly<Record<string, unknown>>): ConvictSchema {
  registerConfigFormats();
  const config = convict<Record<string, unknown>>(schema as convict.Schema<Record<string, unknown>>, {
    env: {},
    args: [],
  });
  return { config };
}

/**
 * The schema default of a setting, as convict coerced it.
 *
 * @example
 * ```ts
 * defaultOf(schema, 'server.port'); // 50051
 * ```
 */
export function defaultOf(schema: ConvictSchema, key: string): unknown {
  return schema.config.get(key);
}

/** Thrown by {@link checkWithConvict} when the format's own coercion refused the value. */
export class CoercionError extends Error {}

/** The name of the one setting of the scratch schema {@link checkWithConvict} builds. */
const SCRATCH_KEY = 'value';

/**
 * Runs a format added to convict by others (`convict.addFormat`) on one value, through convict's public API: a
 * schema holding only this setting, `set` (which applies the format's `coerce` to a string, as convict's `load`
 * does) and `validate`. Returns the value as coerced; throws {@link CoercionError} when coercion throws, and an
 * Error with convict's message (never the value: the scratch setting is marked sensitive) when validation fails.
 * `given: false` checks the default as convict coerced it.
 *
 * @example
 * ```ts
 * checkWithConvict({ format: 'even', default: 2 }, '4', true); // 4, when 'even' coerces with Number
 * ```
 */
export function checkWithConvict(definition: Readonly<Record<string, unknown>>, value: unknown, given: boolean): unknown {
  registerConfigFormats();
  // Marked sensitive so that convict's message never quotes the value; no env, so that nothing but the value goes in.
  const setting = { ...Object.fromEntries(Object.entries(definition).filter(([name]) => name !== 'env')), sensitive: true };
  const scratch = convict<Record<string, unknown>>({ [SCRATCH_KEY]: setting }, {
    env: {},
    args: [],
  });
  if (given) {
    try {
      scratch.set(SCRATCH_KEY, value);
    } catch (error) {
      throw new CoercionError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
  try {
    scratch.validate({ allowed: 'warn', output: () => undefined });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith(`${SCRATCH_KEY}: `) ? message.slice(SCRATCH_KEY.length + 2) : message, { cause: error });
  }
  return scratch.get(SCRATCH_KEY);
}
