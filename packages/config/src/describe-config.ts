import type { ConfigSchemaFragment } from '@rampart/core';
import { mergeSchemas } from './merge-schemas.js';
import { indexSchema, type LeafSpec } from './schema-tree.js';
import { showValue } from './values.js';

/**
 * Renders the merged schema as a Markdown table (key, env var, default, format, sensitive, doc), sorted by key,
 * for the configuration reference. Throws like `mergeSchemas` for an invalid schema.
 *
 * @example
 * ```ts
 * const port = { doc: 'gRPC port', format: 'port', default: 50051, env: 'RAMPART_SERVER_PORT' };
 * describeConfig([{ server: { port } }]);
 * // | Key | Env var | Default | Format | Sensitive | Description |
 * // | --- | --- | --- | --- | --- | --- |
 * // | `server.port` | `RAMPART_SERVER_PORT` | `50051` | port | no | gRPC port |
 * ```
 */
export function describeConfig(fragments: readonly ConfigSchemaFragment[]): string {
  const leaves = [...indexSchema(mergeSchemas(fragments)).leaves.values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  const rows = leaves.map((leaf) =>
    [code(leaf.key), envCell(leaf), defaultCell(leaf), formatCell(leaf), leaf.sensitive ? 'yes' : 'no', leaf.doc ?? '']
      .map(cell)
      .join(' | '),
  );
  return [
    '| Key | Env var | Default | Format | Sensitive | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

function envCell(leaf: LeafSpec): string {
  if (leaf.env === undefined) return '—';
  if (leaf.fileOnly) return code(`${leaf.env}_FILE`);
  return leaf.sensitive ? `${code(leaf.env)} or ${code(`${leaf.env}_FILE`)}` : code(leaf.env);
}

function defaultCell(leaf: LeafSpec): string {
  const value = leaf.definition['default'];
  if (value === undefined) return '—';
  if (value === null && !leaf.nullable) return '_required_';
  if (leaf.sensitive) return '—';
  return code(showValue(value));
}

function formatCell(leaf: LeafSpec): string {
  if (leaf.kind !== 'enum') return leaf.kind;
  return `one of ${(leaf.definition['format'] as unknown[]).map((o) => code(showValue(o))).join(', ')}`;
}

function code(text: string): string {
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
