import type { LeafSpec } from './schema-tree.js';

/** Where a value came from. */
export type Source =
  | { readonly kind: 'default' }
  | { readonly kind: 'values' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'env-file'; readonly name: string; readonly path: string };

/** A value given for a setting by one source. `raw` is the environment text it was parsed from. */
export interface Assignment {
  readonly value: unknown;
  readonly source: Source;
  readonly raw?: string;
}

/**
 * The label `sourceOf` returns: `default`, `values`, `file:<path>`, `env:<NAME>`, `env-file:<NAME>_FILE`.
 *
 * @example
 * ```ts
 * sourceLabel({ kind: 'env', name: 'RAMPART_SERVER_PORT' }); // 'env:RAMPART_SERVER_PORT'
 * ```
 */
export function sourceLabel(source: Source): string {
  switch (source.kind) {
    case 'default':
    case 'values':
      return source.kind;
    case 'file':
      return `file:${source.path}`;
    case 'env':
    case 'env-file':
      return `${source.kind}:${source.name}`;
  }
}

/**
 * Where a value came from, in words, for error messages.
 *
 * @example
 * ```ts
 * describeSource({ kind: 'file', path: '/etc/app.json' }); // 'file /etc/app.json'
 * ```
 */
export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'default':
      return 'the schema default';
    case 'values':
      return 'the values given in code';
    case 'file':
      return `file ${source.path}`;
    case 'env':
      return `env ${source.name}`;
    case 'env-file':
      return `file ${source.path} (named by env ${source.name})`;
  }
}

/**
 * How to fix a bad value of `leaf` that came from `source`, ending in `hint` (what the value should be).
 *
 * @example
 * ```ts
 * fixFor(leaf, { kind: 'env', name: 'RAMPART_SERVER_PORT' }, 'a number between 0 and 65535');
 * // 'set RAMPART_SERVER_PORT to a number between 0 and 65535'
 * ```
 */
export function fixFor(leaf: LeafSpec, source: Source, hint: string): string {
  switch (source.kind) {
    case 'env':
      return `set ${source.name} to ${hint}`;
    case 'env-file':
      return `put ${hint} in ${source.path} (the file named by ${source.name})`;
    case 'file':
      return `set "${leaf.key}" in ${source.path} to ${hint}`;
    case 'values':
      return `pass ${hint} for "${leaf.key}" in values`;
    case 'default':
      if (leaf.env === undefined) return `set "${leaf.key}" in a config file to ${hint}`;
      if (leaf.fileOnly) return `set ${leaf.env}_FILE to a file holding ${hint}`;
      if (leaf.sensitive) return `set ${leaf.env} or ${leaf.env}_FILE to ${hint}`;
      return `set ${leaf.env} (or "${leaf.key}" in a config file) to ${hint}`;
  }
}
