import { isPlainObject } from './values.js';

/** One setting of a merged schema, with what the loader needs to know about it. */
export interface LeafSpec {
  /** The dotted key, e.g. `server.port`. */
  readonly key: string;
  /** The schema entry (shorthand values already turned into `{ default }`). */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly env: string | undefined;
  readonly sensitive: boolean;
  /** `sensitive: 'file'`: the secret is read only from the file named by `<ENV>_FILE`, never from `<ENV>` itself. */
  readonly fileOnly: boolean;
  readonly nullable: boolean;
  readonly doc: string | undefined;
  /** A name for the entry's format: a convict format name, `enum`, `custom`, or the type of the default. */
  readonly kind: string;
}

/** The settings and groups of a merged schema, by dotted key. */
export interface SchemaIndex {
  readonly leaves: ReadonlyMap<string, LeafSpec>;
  readonly groups: ReadonlySet<string>;
}

const BUILT_IN_TYPES = new Map<unknown, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  [Object, 'object'],
  [Array, 'array'],
  [RegExp, 'regexp'],
  ['String', 'string'],
  ['Number', 'number'],
  ['Boolean', 'boolean'],
  ['Object', 'object'],
  ['Array', 'array'],
  ['RegExp', 'regexp'],
]);

/**
 * True when convict reads this schema node as a setting rather than a group: anything that is not a non-empty
 * plain object without a `default` property.
 *
 * @example
 * ```ts
 * isLeafNode({ default: 1 }); // true
 * isLeafNode(8080);           // true (shorthand for { default: 8080 })
 * isLeafNode({ port: { default: 1 } }); // false: a group
 * ```
 */
export function isLeafNode(node: unknown): boolean {
  return !(isPlainObject(node) && Object.keys(node).length > 0 && !('default' in node));
}

/**
 * Turns a leaf node into a schema entry: shorthand values become `{ default: value }`.
 *
 * @example
 * ```ts
 * normalizeLeaf(8080); // { default: 8080 }
 * ```
 */
export function normalizeLeaf(node: unknown): Record<string, unknown> {
  return isPlainObject(node) && 'default' in node ? node : { default: node };
}

/**
 * The format name the loader uses for messages, coercion and documentation.
 *
 * @example
 * ```ts
 * formatKind({ default: 1, format: 'port' }); // 'port'
 * formatKind({ default: 'a', format: ['a', 'b'] }); // 'enum'
 * formatKind({ default: true }); // 'boolean'
 * ```
 */
export function formatKind(definition: Readonly<Record<string, unknown>>): string {
  const format = definition['format'];
  const builtIn = BUILT_IN_TYPES.get(format);
  if (builtIn !== undefined) return builtIn;
  if (typeof format === 'string') return format;
  if (Array.isArray(format)) return 'enum';
  if (typeof format === 'function') return 'custom';
  const tag = Object.prototype.toString.call(definition['default']);
  return tag.slice('[object '.length, -1).toLowerCase();
}

/**
 * Lists the settings and groups of a merged schema by dotted key.
 *
 * @example
 * ```ts
 * indexSchema({ server: { port: { default: 1, format: 'port' } } }).leaves.get('server.port')?.kind; // 'port'
 * ```
 */
export function indexSchema(schema: Readonly<Record<string, unknown>>): SchemaIndex {
  const leaves = new Map<string, LeafSpec>();
  const groups = new Set<string>();
  const visit = (node: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [name, child] of Object.entries(node)) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      if (isLeafNode(child)) {
        const definition = normalizeLeaf(child);
        leaves.set(key, {
          key,
          definition,
          env: typeof definition['env'] === 'string' ? definition['env'] : undefined,
          sensitive: definition['sensitive'] === true || definition['sensitive'] === 'file',
          fileOnly: definition['sensitive'] === 'file',
          nullable: definition['nullable'] === true,
          doc: typeof definition['doc'] === 'string' ? definition['doc'] : undefined,
          kind: formatKind(definition),
        });
      } else {
        groups.add(key);
        visit(child as Record<string, unknown>, key);
      }
    }
  };
  visit(schema, '');
  return { leaves, groups };
}
