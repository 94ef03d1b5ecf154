import convict from 'convict';
import { registerConfigFormats } from './formats.js';

/** convict's normalized schema node. Not part of convict's typed API: see {@link checkValue}. */
interface InternalNode {
  readonly _cvtProperties?: Record<string, InternalNode>;
  readonly _format?: (this: InternalNode, value: unknown) => void;
}

/** A convict instance built from a merged schema, used for defaults, format checks and custom coercions. */
export interface ConvictSchema {
  readonly definition: Readonly<Record<string, unknown>>;
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
  return { definition: schema, config };
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

/**
 * Runs convict's own format check for one setting (built-in formats, formats added with `convict.addFormat`,
 * format functions, enums, `nullable`), throwing its error when the value is refused. convict only exposes
 * whole-config validation with one combined message, so this reads its normalized schema node; the tests pin
 * that this still works with the installed convict.
 *
 * @example
 * ```ts
 * checkValue(schema, 'server.port', 99999); // throws Error('ports must be within range 0 - 65535')
 * ```
 */
export function checkValue(schema: ConvictSchema, key: string, value: unknown): void {
  let node = (schema.config as unknown as { _schema: InternalNode })._schema;
  for (const part of key.split('.')) {
    const next = node._cvtProperties?.[part];
    if (next === undefined) throw new Error(`convict has no schema node for "${key}"`);
    node = next;
  }
  if (typeof node._format !== 'function') throw new Error(`convict has no format check for "${key}"`);
  node._format(value);
}

/**
 * Applies convict's coercion for a string value (used for formats added by others with a `coerce` function).
 *
 * @example
 * ```ts
 * convictCoerce(schema, 'cache.size', '5mb'); // whatever that format's coerce returns
 * ```
 */
export function convictCoerce(schema: ConvictSchema, key: string, raw: string): unknown {
  const scratch = buildScratch(schema);
  scratch.set(key, raw);
  return scratch.get(key);
}

const scratches = new WeakMap<ConvictSchema, convict.Config<Record<string, unknown>>>();

function buildScratch(schema: ConvictSchema): convict.Config<Record<string, unknown>> {
  let scratch = scratches.get(schema);
  if (scratch === undefined) {
    scratch = buildConvict(schema.definition).config;
    scratches.set(schema, scratch);
  }
  return scratch;
}
