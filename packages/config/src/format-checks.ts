import { checkWithConvict } from './convict-bridge.js';
import { RAMPART_FORMATS } from './formats.js';
import type { LeafSpec } from './schema-tree.js';

type Check = (value: unknown) => void;

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

const isPort = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;
const isWindowsNamedPipe = (x: unknown): boolean => String(x).includes('\\\\.\\pipe\\');

/**
 * convict's built-in named formats, checked as convict checks them (same rule, same message), and the formats
 * Rampart adds. convict has no public way to check one value without first coercing it, so the loader checks these
 * itself; a test compares each with convict's own validation.
 */
const NAMED_CHECKS: Readonly<Record<string, Check>> = {
  '*': () => undefined,
  int: (x) => assert(Number.isInteger(x), 'must be an integer'),
  integer: (x) => assert(Number.isInteger(x), 'must be an integer'),
  nat: (x) => assert(Number.isInteger(x) && (x as number) >= 0, 'must be a positive integer'),
  port: (x) => assert(isPort(x), 'ports must be within range 0 - 65535'),
  windows_named_pipe: (x) => assert(isWindowsNamedPipe(x), 'must be a valid pipe'),
  port_or_windows_named_pipe: (x) =>
    assert(isWindowsNamedPipe(x) || isPort(x), 'must be a windows named pipe or a number within range 0 - 65535'),
  ...Object.fromEntries(Object.entries(RAMPART_FORMATS).map(([name, format]) => [name, (x: unknown) => format.validate(x)])),
};

/** The built-in types convict takes as a format, by constructor and by name: the value's tag must be theirs. */
const BUILT_INS = new Map<unknown, string>(
  [String, Number, Boolean, Object, Array, RegExp].flatMap((type) => [
    [type, type.name],
    [type.name, type.name],
  ]),
);

const tag = (value: unknown): string => Object.prototype.toString.call(value);

/**
 * Checks a setting's value against its format, as convict would: a built-in type (`String`, `Number`, ...), a named
 * format (convict's, Rampart's, or one added to convict by others), an enum, a format function, or, without a
 * format, the type of the default; `nullable` lets `null` through. Returns the value to keep: the same, except for a
 * format added to convict by others, whose `coerce` turns a given string into its value (as convict's `load` does).
 * `given` is false for a setting left at its default.
 *
 * @throws Error with the format's message when the value is refused; `CoercionError` when a format's coercion fails.
 *
 * @example
 * ```ts
 * checkFormat(leaf, 99999, true); // throws Error('ports must be within range 0 - 65535') for a 'port' setting
 * ```
 */
export function checkFormat(leaf: LeafSpec, value: unknown, given: boolean): unknown {
  const { definition } = leaf;
  if (definition['nullable'] === true && value === null) return value;
  const format = definition['format'];
  const type = BUILT_INS.get(format);
  if (type !== undefined) {
    assert(tag(value) === `[object ${type}]`, `must be of type ${type}`);
  } else if (typeof format === 'string') {
    const check = Object.prototype.hasOwnProperty.call(NAMED_CHECKS, format) ? NAMED_CHECKS[format] : undefined;
    if (check === undefined) return checkWithConvict(definition, value, given);
    check(value);
  } else if (Array.isArray(format)) {
    assert(format.indexOf(value) !== -1, `must be one of the possible values: ${JSON.stringify(format)}`);
  } else if (typeof format === 'function') {
    (format as (value: unknown, schema: unknown) => void)(value, definition);
  } else {
    const name = tag(definition['default']).slice('[object '.length, -1);
    assert(tag(value) === tag(definition['default']), ` should be of type ${name}`); // convict's words, space and all
  }
  return value;
}
