import { RampartError, type ConfigReader, type UntypedConfig } from '@rampart/core';
import type { LeafSpec } from './schema-tree.js';
import { sourceLabel, type Source } from './sources.js';
import { copyData, deepFreeze, isPlainObject } from './values.js';

/**
 * The validated, read-only configuration of an app, typed by the config its schemas declare (`M`, see `ConfigOf`).
 *
 * @example
 * ```ts
 * const port = config.get('server.port'); // number
 * if (config.has('db.password')) connect(config.get('db.password'));
 * logger.info({ config: config.toRedactedJSON(), portFrom: config.sourceOf('server.port') }, 'config loaded');
 * ```
 */
export interface LoadedConfig<M = UntypedConfig> extends ConfigReader<M> {
  /** All values with sensitive ones replaced by `"[redacted]"` (set or not), for logging at start-up. */
  toRedactedJSON(): Record<string, unknown>;
  /** Where a setting's value came from: `default`, `values`, `file:<path>`, `env:<NAME>` or `env-file:<NAME>_FILE`. */
  sourceOf(key: keyof M & string): string;
}

/**
 * The marker that replaces sensitive values in {@link LoadedConfig.toRedactedJSON}.
 *
 * @example
 * ```ts
 * config.toRedactedJSON().db; // { url: 'postgres://db/app', password: REDACTED }
 * ```
 */
export const REDACTED = '[redacted]';

/** A setting's final value and where it came from. */
export interface FinalValue {
  readonly leaf: LeafSpec;
  readonly value: unknown;
  readonly source: Source;
}

/**
 * Builds the read-only configuration object from the final values (which are copied and frozen). `M` is the config
 * the values' schemas declare: every value was checked against its setting's format, which is what `M` is inferred
 * from (see `ConfigOf` in `@rampart/core`).
 *
 * @example
 * ```ts
 * const config = createLoadedConfig<{ 'server.port': number }>([{ leaf, value: 8080, source: { kind: 'default' } }]);
 * config.get('server.port'); // 8080
 * ```
 */
export function createLoadedConfig<M = UntypedConfig>(values: readonly FinalValue[]): LoadedConfig<M> {
  const tree: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const { leaf, value, source } of values) {
    setPath(tree, leaf.key, copyData(value));
    sources.set(leaf.key, sourceLabel(source));
  }
  deepFreeze(tree);
  const sensitive = values.filter((v) => v.leaf.sensitive).map((v) => v.leaf.key);

  return {
    get<K extends keyof M & string>(key: K): M[K] {
      const found = lookup(tree, key);
      if (!found.ok) {
        throw new RampartError('ERR_CONFIG_INVALID', `no configuration key "${key}": no schema declares it`);
      }
      // The one place the loaded tree meets its type: the value passed its setting's format check, and M[K] is the
      // type inferred from that same setting's format (or declared by its default).
      return found.value as M[K];
    },
    has(key: string): boolean {
      const found = lookup(tree, key);
      return found.ok && found.value !== undefined && found.value !== null;
    },
    toRedactedJSON(): Record<string, unknown> {
      const copy = copyData(tree) as Record<string, unknown>;
      for (const key of sensitive) setPath(copy, key, REDACTED);
      return copy;
    },
    sourceOf(key: string): string {
      const source = sources.get(key);
      if (source === undefined) {
        throw new RampartError('ERR_CONFIG_INVALID', `no configuration setting "${key}": no schema declares it`);
      }
      return source;
    },
  };
}

function setPath(tree: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop() as string;
  let node = tree;
  for (const part of parts) {
    const next = node[part];
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[last] = value;
}

function lookup(tree: Record<string, unknown>, key: string): { ok: true; value: unknown } | { ok: false } {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, part)) {
      return { ok: false };
    }
    node = (node as Record<string, unknown>)[part];
  }
  return { ok: true, value: node };
}
