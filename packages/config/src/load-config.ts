import type { ConfigOf, ConfigSchemaFragment } from '@rampart/core';
import { buildConvict } from './convict-bridge.js';
import { createLoadedConfig, type LoadedConfig } from './loaded-config.js';
import { mergeSchemas } from './merge-schemas.js';
import { Problems } from './problems.js';
import { readEnvironment, readJsonFile, readObject, type ReadState } from './read-input.js';
import { indexSchema } from './schema-tree.js';
import { finalAssignment, validateAll } from './validate.js';

/**
 * The environment variable holding comma-separated config file paths when `files` is not given.
 *
 * @example
 * ```ts
 * // RAMPART_CONFIG=config/base.json,config/production.json node dist/main.js
 * loadConfig({ schemas }); // reads both files, the second winning
 * ```
 */
export const CONFIG_FILES_ENV = 'RAMPART_CONFIG';

/**
 * What {@link loadConfig} reads. `S` is the list of schemas, whose types give the loaded config's (`ConfigOf<S>`).
 *
 * @example
 * ```ts
 * const options: LoadConfigOptions = { schemas: [serverConfigSchema, redisConfigSchema] };
 * ```
 */
export interface LoadConfigOptions<S extends readonly ConfigSchemaFragment[] = readonly ConfigSchemaFragment[]> {
  /**
   * Schema fragments contributed by packages and plugins; merged into one (see `mergeSchemas`). The same key
   * declared twice with different definitions throws `ERR_CONFIG_INVALID` naming the key. Fragments made with
   * `defineConfigSchema` (or written inline) type the loaded config.
   */
  readonly schemas: S;
  /**
   * JSON config files, applied in order (later wins). A missing, unreadable or unparsable file throws
   * `ERR_CONFIG_INVALID` naming the path. Default: the comma-separated paths in env `RAMPART_CONFIG`, if set.
   */
  readonly files?: readonly string[];
  /**
   * Values set in code (e.g. by `createApp` options or tests): above schema defaults, below files and environment.
   * Nested objects (`{ server: { port: 1 } }`), dotted keys (`{ 'server.port': 1 }`) or a mix both work; a key whose
   * value is `undefined` counts as not given. A setting whose format is an object takes the given object whole.
   * Sensitive settings may not be given here.
   *
   * @example
   * ```ts
   * loadConfig({ schemas, values: { server: { port: options.port } } }); // port undefined → default or file wins
   * ```
   */
  readonly values?: Record<string, unknown>;
  /** The environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Loads and validates an app's configuration. Precedence, lowest first: schema defaults, `values`, config files
 * (in order), environment variables (each setting's `env`). Validation is strict: unknown keys are errors.
 * Sensitive settings come only from their `env` variable or from the file named by `<ENV>_FILE`; a secret in a
 * config file or in `values` throws `ERR_CONFIG_INLINE_SECRET`. Every other problem is collected and thrown as one
 * `ERR_CONFIG_INVALID` listing them one per line, each with its key, source and fix. The config is typed by the
 * schemas: `get` takes only the keys they declare and returns each setting's type.
 *
 * @example
 * ```ts
 * const config = loadConfig({
 *   schemas: [{ server: { port: { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' } } }],
 *   files: ['config/production.json'],
 * });
 * config.get('server.port');           // a number: 50051, or the file's or the environment's value
 * config.sourceOf('server.port');      // e.g. 'env:RAMPART_SERVER_PORT'
 * logger.info({ config: config.toRedactedJSON() }, 'configuration loaded');
 * ```
 */
export function loadConfig<const S extends readonly ConfigSchemaFragment[]>(options: LoadConfigOptions<S>): LoadedConfig<ConfigOf<S>> {
  const merged = mergeSchemas(options.schemas);
  const env = options.env ?? process.env;
  const state: ReadState = {
    index: indexSchema(merged),
    schema: buildConvict(merged),
    problems: new Problems(),
    assigned: new Map(),
    troubled: new Set(),
  };
  if (options.values !== undefined) readObject(state, options.values, { kind: 'values' });
  const fromEnv = options.files === undefined;
  const files = options.files ?? filesFromEnv(env);
  const pathFix = fromEnv ? `correct the paths in ${CONFIG_FILES_ENV}` : 'correct the paths passed in `files`';
  for (const path of files) {
    const data = readJsonFile(state.problems, path, pathFix);
    if (data !== undefined) readObject(state, data, { kind: 'file', path });
  }
  readEnvironment(state, env);
  validateAll(state);
  state.problems.throwIfAny('configuration is invalid');
  return createLoadedConfig<ConfigOf<S>>(
    [...state.index.leaves.values()].map((leaf) => ({ leaf, ...finalAssignment(state, leaf) })),
  );
}

function filesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env[CONFIG_FILES_ENV] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
