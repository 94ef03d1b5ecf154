import { readFileSync } from 'node:fs';
import { coerceEnv } from './coerce-env.js';
import type { ConvictSchema } from './convict-bridge.js';
import type { Problems } from './problems.js';
import type { LeafSpec, SchemaIndex } from './schema-tree.js';
import { describeSource, type Assignment, type Source } from './sources.js';
import { closestKey } from './suggest.js';
import { isPlainObject } from './values.js';

/** The state the readers fill in: the winning value per setting so far, and the problems found. */
export interface ReadState {
  readonly index: SchemaIndex;
  readonly schema: ConvictSchema;
  readonly problems: Problems;
  readonly assigned: Map<string, Assignment>;
  /** Settings that already have a problem; they are not validated again. */
  readonly troubled: Set<string>;
}

/**
 * Reads an object of values (from a config file or from `values`): nested objects and dotted keys both work
 * (`{ server: { port: 1 } }` is `{ 'server.port': 1 }`); an `undefined` value is skipped. Unknown keys and inline
 * secrets are problems.
 *
 * @example
 * ```ts
 * readObject(state, { server: { port: 8080 } }, { kind: 'file', path: 'app.json' });
 * ```
 */
export function readObject(
  state: ReadState,
  data: Readonly<Record<string, unknown>>,
  source: Source,
  prefix = '',
): void {
  for (const [name, value] of Object.entries(data)) {
    // `undefined` means "not given" (e.g. an optional createApp option passed straight through).
    if (value === undefined) continue;
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const leaf = state.index.leaves.get(key);
    if (leaf !== undefined) {
      if (leaf.sensitive) refuseInlineSecret(state, leaf, source);
      else state.assigned.set(key, { value, source });
    } else if (state.index.groups.has(key)) {
      if (isPlainObject(value)) readObject(state, value, source, key);
      else {
        state.problems.add(
          `${key}: is a group of settings, not a single value, in ${describeSource(source)}. ` +
            `Fix: ${removeFrom(source)} or give it an object such as { "${firstChild(state, key)}": ... }.`,
        );
      }
    } else {
      const guess = closestKey(key, [...state.index.leaves.keys(), ...state.index.groups]);
      state.problems.add(
        `${key}: is not a known setting, in ${describeSource(source)}. Fix: ${removeFrom(source)}` +
          (guess === undefined ? '.' : ` (did you mean "${guess}"?).`),
      );
    }
  }
}

function refuseInlineSecret(state: ReadState, leaf: LeafSpec, source: Source): void {
  state.troubled.add(leaf.key);
  const env = leaf.env ?? '<ENV>';
  state.problems.add(
    `${leaf.key}: is a secret and must not be given inline in ${describeSource(source)}. ` +
      `Fix: ${removeFrom(source)} and set ${leaf.fileOnly ? `${env}_FILE to a file holding it` : `${env} or ${env}_FILE`}.`,
    true,
  );
}

function removeFrom(source: Source): string {
  return source.kind === 'file' ? `remove it from ${source.path}` : 'remove it from values';
}

function firstChild(state: ReadState, group: string): string {
  for (const key of state.index.leaves.keys()) if (key.startsWith(`${group}.`)) return key.slice(group.length + 1);
  return '...';
}

/**
 * Reads and parses a JSON config file. A file that cannot be read or parsed, or whose top level is not an
 * object, is a problem naming the path (never quoting its contents); returns `undefined` then.
 *
 * @example
 * ```ts
 * const data = readJsonFile(problems, '/etc/rampart/app.json', 'check the paths in RAMPART_CONFIG');
 * ```
 */
export function readJsonFile(problems: Problems, path: string, pathFix: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.add(`config file ${path}: ${fileErrorText(error)}. Fix: ${pathFix}.`);
    return undefined;
  }
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    problems.add(`config file ${path}: is not valid JSON (${jsonErrorText(error, text)}). Fix: correct its syntax.`);
    return undefined;
  }
  if (!isPlainObject(data)) {
    problems.add(`config file ${path}: must hold a JSON object at the top level. Fix: wrap its settings in { }.`);
    return undefined;
  }
  return data;
}

/**
 * Describes a file-system error by its code, without quoting any file contents.
 *
 * @example
 * ```ts
 * fileErrorText(Object.assign(new Error(), { code: 'ENOENT' })); // 'does not exist'
 * ```
 */
export function fileErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read (${typeof code === 'string' ? code : 'unknown error'})`;
  }
}

/** The parser's complaint without the snippet of file text V8 sometimes quotes, plus a line and column. */
function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : 'parse error';
  const cleaned = message.replace(/,\s*".*" is not valid JSON$/s, '').replace(/ at position \d+.*$/s, '');
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] === undefined) return cleaned;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${cleaned} at line ${line}, column ${column}`;
}

/**
 * Reads every setting that declares `env` from the environment. A sensitive setting may instead be read from the
 * file named by `<ENV>_FILE` (one trailing newline trimmed). Setting both is a problem.
 *
 * @example
 * ```ts
 * readEnvironment(state, { RAMPART_SERVER_PORT: '8080' });
 * ```
 */
export function readEnvironment(state: ReadState, env: Readonly<Record<string, string | undefined>>): void {
  for (const leaf of state.index.leaves.values()) {
    if (leaf.env === undefined) continue;
    const raw = env[leaf.env];
    const fileVar = `${leaf.env}_FILE`;
    const filePath = leaf.sensitive ? env[fileVar] : undefined;
    if (raw !== undefined && leaf.fileOnly) {
      state.troubled.add(leaf.key);
      state.problems.add(
        `${leaf.key}: ${leaf.env} is set, but this secret is read only from a file (environment variables reach child ` +
          `processes and diagnostics). Fix: unset ${leaf.env}, write the secret to a file only the service can read, and set ${fileVar} to its path.`,
      );
    } else if (raw !== undefined && filePath !== undefined) {
      state.troubled.add(leaf.key);
      state.problems.add(`${leaf.key}: both ${leaf.env} and ${fileVar} are set. Fix: unset one of them.`);
    } else if (raw !== undefined) {
      assignFromEnv(state, leaf, raw, { kind: 'env', name: leaf.env });
    } else if (filePath !== undefined) {
      let content: string;
      try {
        content = readFileSync(filePath, 'utf8');
      } catch (error) {
        state.troubled.add(leaf.key);
        state.problems.add(
          `${leaf.key}: the secret file ${filePath} named by ${fileVar} ${fileErrorText(error)}. ` +
            `Fix: point ${fileVar} at a readable file${leaf.fileOnly ? '' : `, or set ${leaf.env} instead`}.`,
        );
        continue;
      }
      assignFromEnv(state, leaf, content.replace(/\r?\n$/, ''), { kind: 'env-file', name: fileVar, path: filePath });
    }
  }
}

function assignFromEnv(state: ReadState, leaf: LeafSpec, raw: string, source: Source): void {
  const enumOptions = Array.isArray(leaf.definition['format']) ? (leaf.definition['format'] as unknown[]) : undefined;
  // A format this module does not know (added to convict by others) keeps the string: validation coerces it.
  const known = coerceEnv(leaf.kind, raw, enumOptions, leaf.definition['default']);
  state.assigned.set(leaf.key, { value: known === undefined ? raw : known.value, source, raw });
}
