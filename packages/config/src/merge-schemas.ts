import type { ConfigSchemaFragment } from '@rampart/core';
import { buildConvict } from './convict-bridge.js';
import { Problems } from './problems.js';
import { indexSchema, isLeafNode, normalizeLeaf, type LeafSpec } from './schema-tree.js';
import { isPlainObject, showValue } from './values.js';

const RESERVED_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype', '_cvtProperties']);
const SETTING_PROPERTIES = ['format', 'env', 'sensitive', 'doc', 'nullable', 'arg'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Tree = Record<string, unknown>;

/** An own property only: a key named like an Object.prototype member must not find the inherited one. */
function own(node: Readonly<Tree>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(node, name) ? node[name] : undefined;
}

/**
 * Merges schema fragments contributed by packages and plugins into one convict schema. Fragments may nest keys
 * (`{ server: { port: {...} } }`) or use dotted keys (`{ 'server.port': {...} }`). A key declared twice with
 * identical definitions is kept once; with different definitions, or as a setting in one fragment and a group in
 * another, it is an error naming the key. The secrets rule is checked here: a `sensitive` setting must declare
 * `env` and must not have a default. Every problem found is reported in one `ERR_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * const schema = mergeSchemas([
 *   { server: { port: { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' } } },
 *   { db: { password: { doc: 'DB password', format: String, default: null, sensitive: true, env: 'DB_PASSWORD' } } },
 * ]);
 * ```
 */
export function mergeSchemas(fragments: readonly ConfigSchemaFragment[]): ConfigSchemaFragment {
  const problems = new Problems();
  const merger = new Merger(problems);
  fragments.forEach((fragment, index) => {
    if (!isPlainObject(fragment)) {
      problems.add(`schema fragment #${index + 1} is not an object. Fix: pass a convict schema object.`);
      return;
    }
    merger.merge(merger.root, fragment, '', index + 1);
  });
  problems.throwIfAny('configuration schema is invalid');
  const index = indexSchema(merger.root);
  for (const leaf of index.leaves.values()) checkLeaf(leaf, problems);
  checkEnvNames(index.leaves, problems);
  if (problems.size === 0) {
    try {
      buildConvict(merger.root);
    } catch (error) {
      problems.add(`${error instanceof Error ? error.message : String(error)}. Fix: correct the schema entry.`);
    }
  }
  problems.throwIfAny('configuration schema is invalid');
  return merger.root;
}

class Merger {
  readonly root: Tree = {};
  /** Group objects this merger made (schema nodes from fragments are never modified). */
  readonly #groups = new WeakSet<object>([this.root]);
  /** Which fragment first declared each setting, for messages. */
  readonly #origin = new Map<string, number>();

  constructor(private readonly problems: Problems) {}

  merge(target: Tree, source: Readonly<Tree>, prefix: string, from: number): void {
    for (const [rawKey, node] of Object.entries(source)) {
      const segments = rawKey.split('.');
      const fullKey = prefix === '' ? rawKey : `${prefix}.${rawKey}`;
      const bad = segments.find((s) => s === '' || RESERVED_SEGMENTS.has(s));
      if (bad !== undefined) {
        this.problems.add(
          `${fullKey}: "${bad}" is not allowed as a key segment (schema fragment #${from}). Fix: rename the key.`,
        );
        continue;
      }
      let parent = target;
      let path = prefix;
      let ok = true;
      for (const segment of segments.slice(0, -1)) {
        path = path === '' ? segment : `${path}.${segment}`;
        const group = this.#group(parent, segment, path, from);
        if (group === undefined) {
          ok = false;
          break;
        }
        parent = group;
      }
      if (!ok) continue;
      const last = segments[segments.length - 1] as string;
      const stray = isLeafNode(node) ? [] : strayProperties(node as Tree);
      if (isLeafNode(node)) this.#setting(parent, last, fullKey, normalizeLeaf(node), from);
      else if (stray.length > 0) {
        this.problems.add(
          `${fullKey}: looks like a setting (it has ${stray.map((p) => `"${p}"`).join(', ')}) but has no ` +
            '"default", so convict would read it as a group. ' +
            'Fix: add a default (null for a required value), or write child settings named like schema ' +
            'properties in full ({ default: ... }).',
        );
      } else {
        const group = this.#group(parent, last, fullKey, from);
        if (group !== undefined) this.merge(group, node as Tree, fullKey, from);
      }
    }
  }

  #group(parent: Tree, name: string, key: string, from: number): Tree | undefined {
    const existing = own(parent, name);
    if (existing === undefined) {
      const group: Tree = {};
      this.#groups.add(group);
      parent[name] = group;
      return group;
    }
    if (typeof existing === 'object' && existing !== null && this.#groups.has(existing)) {
      return existing as Tree;
    }
    this.problems.add(
      `${key}: is a setting in schema fragment #${this.#origin.get(key) ?? '?'} and a group of settings in ` +
        `schema fragment #${from}. Fix: rename one of them.`,
    );
    return undefined;
  }

  #setting(parent: Tree, name: string, key: string, definition: Tree, from: number): void {
    const existing = own(parent, name);
    if (existing === undefined) {
      parent[name] = definition;
      this.#origin.set(key, from);
      return;
    }
    const first = this.#origin.get(key);
    if (typeof existing === 'object' && existing !== null && this.#groups.has(existing)) {
      this.problems.add(
        `${key}: is a group of settings in an earlier schema fragment and a setting in schema fragment #${from}. ` +
          'Fix: rename one of them.',
      );
    } else if (!sameDefinition(existing, definition)) {
      this.problems.add(
        `${key}: declared twice with different definitions (schema fragments #${first ?? '?'} and #${from}). ` +
          'Fix: declare it in one place, or make both declarations identical.',
      );
    }
  }
}

function checkLeaf(leaf: LeafSpec, problems: Problems): void {
  const { key, definition } = leaf;
  const env = definition['env'];
  if (env !== undefined && (typeof env !== 'string' || !ENV_NAME.test(env))) {
    problems.add(`${key}: "env" must be an environment variable name, got ${showValue(env)}. ` +
      'Fix: use a name like MY_SERVICE_SETTING.');
  }
  if ('arg' in definition) {
    problems.add(`${key}: command-line arguments ("arg") are not supported. Fix: remove "arg" and use "env".`);
  }
  if (definition['sensitive'] !== undefined && typeof definition['sensitive'] !== 'boolean' && definition['sensitive'] !== 'file') {
    problems.add(`${key}: "sensitive" must be true, false or 'file' (read only from <ENV>_FILE). Fix: set sensitive: true or remove it.`);
  }
  if (!leaf.sensitive) return;
  if (leaf.env === undefined) {
    problems.add(
      `${key}: is sensitive but declares no "env". Fix: add env: '<NAME>' so the secret can come from <NAME> or ` +
        '<NAME>_FILE (secrets are never read from config files).',
    );
  }
  const fallback = definition['default'];
  if (!(fallback === undefined || fallback === null || fallback === '')) {
    problems.add(
      `${key}: is sensitive but has a default value; secrets never live in code. Fix: use default: null ` +
        '(required) or an empty string.',
    );
  }
}

/**
 * A group node carrying setting properties is almost always a setting that forgot its `default`. A child setting
 * written in full (`{ default: ... }`) is fine even when named like a schema property.
 */
function strayProperties(group: Readonly<Tree>): string[] {
  return SETTING_PROPERTIES.filter((p) => p in group && !isPlainObject(group[p]));
}

function checkEnvNames(leaves: ReadonlyMap<string, LeafSpec>, problems: Problems): void {
  const byEnv = new Map<string, string>();
  for (const leaf of leaves.values()) if (leaf.env !== undefined && !byEnv.has(leaf.env)) byEnv.set(leaf.env, leaf.key);
  for (const leaf of leaves.values()) {
    if (!leaf.sensitive || leaf.env === undefined) continue;
    const other = byEnv.get(`${leaf.env}_FILE`);
    if (other !== undefined) {
      problems.add(
        `${other}: its env ${leaf.env}_FILE is also where ${leaf.key} (sensitive) reads its secret file path. ` +
          'Fix: rename one of the environment variables.',
      );
    }
    const sharing = [...leaves.values()].find((l) => l.env === leaf.env && !l.sensitive);
    if (sharing !== undefined) {
      problems.add(
        `${sharing.key}: shares env ${leaf.env} with the sensitive ${leaf.key}, so the secret would be shown as ` +
          'an ordinary value. Fix: give it its own environment variable.',
      );
    }
  }
}

/** Deep equality for schema definitions: functions and constructors by identity, RegExps by source. */
function sameDefinition(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameDefinition(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameDefinition(a[k], b[k]))
    );
  }
  return false;
}
