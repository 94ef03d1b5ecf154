import convict from 'convict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFormat } from '../../src/format-checks.js';
import { registerConfigFormats } from '../../src/formats.js';
import { indexSchema } from '../../src/schema-tree.js';
import { RUNS } from './runs.js';

// The loader checks convict's built-in formats (and Rampart's) itself, because convict has no public way to check one
// value without coercing it first (it used to call convict's private per-setting `_format`). Here each check is
// compared with convict's own validation, through convict's public API: for every format, arbitrary values are
// refused by both or by neither, and with the same message.

/** Formats whose convict coercion leaves strings alone (for the others, convict's `set` would parse a string first). */
const STRING_SAFE = new Set(['*', 'windows_named_pipe', 'url', 'non-empty-string', 'String']);

const FORMATS: ReadonlyArray<{ readonly name: string; readonly definition: Record<string, unknown> }> = [
  { name: '*', definition: { format: '*', default: null } },
  { name: 'int', definition: { format: 'int', default: 1 } },
  { name: 'integer', definition: { format: 'integer', default: 1 } },
  { name: 'nat', definition: { format: 'nat', default: 1 } },
  { name: 'port', definition: { format: 'port', default: 1 } },
  { name: 'windows_named_pipe', definition: { format: 'windows_named_pipe', default: '\\\\.\\pipe\\a' } },
  { name: 'port_or_windows_named_pipe', definition: { format: 'port_or_windows_named_pipe', default: 1 } },
  { name: 'url', definition: { format: 'url', default: 'https://a.example' } },
  { name: 'non-empty-string', definition: { format: 'non-empty-string', default: 'a' } },
  { name: 'duration-ms', definition: { format: 'duration-ms', default: 1 } },
  { name: 'String', definition: { format: String, default: '' } },
  { name: 'Number', definition: { format: Number, default: 0 } },
  { name: 'Boolean', definition: { format: Boolean, default: false } },
  { name: 'Array', definition: { format: Array, default: [] } },
  { name: 'Object', definition: { format: Object, default: {} } },
  { name: 'RegExp', definition: { format: RegExp, default: /a/ } },
  { name: 'Number by name', definition: { format: 'Number', default: 0 } },
  { name: 'enum', definition: { format: [1, 2, 'three', null], default: 1 } },
  { name: 'nullable port', definition: { format: 'port', default: null, nullable: true } },
  { name: 'no format (a number default)', definition: { default: 5 } },
];

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(NaN, Infinity, -0, 65535, 65536, -1, 1.5, '\\\\.\\pipe\\x', /re/, [], {}, null, true, 'three', 3),
  fc.integer({ min: -10, max: 70_000 }),
);

function hasDottedKey(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  return Object.entries(input).some(([key, inner]) => key === '' || key.includes('.') || hasDottedKey(inner));
}

/** convict's verdict on one value, through its public API; `null` when it takes the value. */
function convictVerdict(definition: Record<string, unknown>, input: unknown): string | null {
  registerConfigFormats();
  const config = convict<Record<string, unknown>>({ v: { ...definition, sensitive: true } }, {
    env: {},
    args: [],
  });
  config.set('v', input);
  try {
    config.validate({ allowed: 'strict', output: () => undefined });
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^v: /, '');
  }
}

function ownVerdict(definition: Record<string, unknown>, input: unknown): string | null {
  const leaf = indexSchema({ v: definition }).leaves.get('v');
  if (leaf === undefined) throw new Error('no leaf');
  try {
    checkFormat(leaf, input, true);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("the loader's format checks agree with convict's", () => {
  for (const { name, definition } of FORMATS) {
    it(`${name}: refused by both or by neither, with convict's message`, () => {
      fc.assert(
        fc.property(value, (input) => {
          // convict's set() parses strings for most formats before validating; only compare strings where it does not.
          fc.pre(typeof input !== 'string' || STRING_SAFE.has(name));
          // convict walks values by dotted path, so an object key holding a dot (or empty) loses its way there.
          fc.pre(!hasDottedKey(input));
          // convict flattens a non-empty object into its keys before checking (and then misses the setting itself):
          // it refuses such a value too, with another message, so compare the verdict only.
          const flattened = typeof input === 'object' && input !== null && !Array.isArray(input) && !(input instanceof RegExp) && Object.keys(input).length > 0;
          const theirs = convictVerdict(definition, input);
          const ours = ownVerdict(definition, input);
          if (flattened && name !== 'Object' && name !== '*') expect(ours === null).toBe(theirs === null);
          else expect(ours).toBe(theirs);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
