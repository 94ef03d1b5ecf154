import type { LeafSpec } from './schema-tree.js';

/** What a format demands, in words: `rule` follows the key ("must be …"), `hint` follows "set X to …". */
export interface FormatRule {
  readonly rule: string;
  readonly hint: string;
}

const RULES: Readonly<Record<string, FormatRule>> = {
  port: { rule: 'must be a port (0-65535)', hint: 'a number between 0 and 65535' },
  int: { rule: 'must be an integer', hint: 'a whole number' },
  integer: { rule: 'must be an integer', hint: 'a whole number' },
  nat: { rule: 'must be a non-negative integer', hint: 'a whole number of 0 or more' },
  'duration-ms': {
    rule: 'must be a duration in milliseconds (a non-negative integer)',
    hint: 'a whole number of milliseconds, e.g. 30000',
  },
  url: { rule: 'must be an absolute URL', hint: 'an absolute URL such as https://host.example/path' },
  'non-empty-string': { rule: 'must be a non-empty string', hint: 'a non-empty string' },
  number: { rule: 'must be a number', hint: 'a number' },
  boolean: { rule: 'must be true or false', hint: 'true or false' },
  string: { rule: 'must be a string', hint: 'a string' },
  array: { rule: 'must be a list', hint: 'a JSON array (in an environment variable: a comma-separated list)' },
  object: { rule: 'must be an object', hint: 'a JSON object' },
  regexp: { rule: 'must be a regular expression', hint: 'a valid regular expression' },
  windows_named_pipe: { rule: 'must be a Windows named pipe', hint: 'a path like \\\\.\\pipe\\name' },
  port_or_windows_named_pipe: {
    rule: 'must be a port (0-65535) or a Windows named pipe',
    hint: 'a number between 0 and 65535 or a path like \\\\.\\pipe\\name',
  },
};

/**
 * Describes what a setting's format accepts. For a format Rampart does not know (a format function, or one added
 * to convict by someone else) the rule quotes convict's own error, except for sensitive settings, whose errors
 * might quote the value.
 *
 * @example
 * ```ts
 * ruleFor(leaf, new Error('ports must be within range 0 - 65535'));
 * // { rule: 'must be a port (0-65535)', hint: 'a number between 0 and 65535' }
 * ```
 */
export function ruleFor(leaf: LeafSpec, error: unknown): FormatRule {
  if (leaf.kind === 'enum') {
    const options = (leaf.definition['format'] as unknown[]).map((o) => JSON.stringify(o)).join(', ');
    return { rule: `must be one of ${options}`, hint: `one of ${options}` };
  }
  const known = RULES[leaf.kind];
  if (known !== undefined) return known;
  const detail = !leaf.sensitive && error instanceof Error && error.message.trim() !== '' ? error.message.trim() : '';
  const hint = leaf.doc === undefined ? 'a valid value' : `a valid value (${leaf.doc})`;
  return { rule: detail === '' ? 'is not valid' : `is not valid (${detail})`, hint };
}
