import { CoercionError, defaultOf } from './convict-bridge.js';
import { checkFormat } from './format-checks.js';
import { ruleFor } from './format-rules.js';
import type { ReadState } from './read-input.js';
import type { LeafSpec } from './schema-tree.js';
import { describeSource, fixFor, type Assignment } from './sources.js';
import { showValue } from './values.js';

const FROM_DEFAULT = { kind: 'default' } as const;

/**
 * The winning value of a setting: the highest source that gave one, or the schema default.
 *
 * @example
 * ```ts
 * finalAssignment(state, leaf).source; // { kind: 'env', name: 'RAMPART_SERVER_PORT' }
 * ```
 */
export function finalAssignment(state: ReadState, leaf: LeafSpec): Assignment {
  return state.assigned.get(leaf.key) ?? { value: defaultOf(state.schema, leaf.key), source: FROM_DEFAULT };
}

/**
 * Checks every setting's winning value against its format and records one problem per bad value, naming the key,
 * the source, what is wrong and the fix. Sensitive values are never quoted. A format added to convict by others
 * coerces a given string first (its `coerce`), and the setting keeps the coerced value.
 *
 * @example
 * ```ts
 * validateAll(state); // then state.problems.throwIfAny(...)
 * ```
 */
export function validateAll(state: ReadState): void {
  for (const leaf of state.index.leaves.values()) {
    if (state.troubled.has(leaf.key)) continue;
    const assignment = finalAssignment(state, leaf);
    // Like convict: a setting whose default is undefined may stay undefined.
    if (assignment.value === undefined && leaf.definition['default'] === undefined) continue;
    try {
      const value = checkFormat(leaf, assignment.value, assignment.source.kind !== 'default');
      // A format added to convict by others may have coerced a given string: keep what it made of it.
      if (value !== assignment.value) state.assigned.set(leaf.key, { ...assignment, value });
    } catch (error) {
      state.problems.add(error instanceof CoercionError ? unreadableText(leaf, assignment, error) : problemText(leaf, assignment, error));
    }
  }
}

function problemText(leaf: LeafSpec, { value, source, raw }: Assignment, error: unknown): string {
  const { rule, hint } = ruleFor(leaf, error);
  const fix = fixFor(leaf, source, hint);
  if (source.kind === 'default' && (value === null || value === undefined)) {
    return `${leaf.key}: is required but not set. Fix: ${fix}.`;
  }
  const shown = leaf.sensitive ? '[redacted]' : raw !== undefined ? JSON.stringify(raw) : showValue(value);
  return `${leaf.key}: ${rule}, got ${shown} from ${describeSource(source)}. Fix: ${fix}.`;
}

function unreadableText(leaf: LeafSpec, { source }: Assignment, error: CoercionError): string {
  const detail = leaf.sensitive ? '' : ` (${error.message})`;
  return `${leaf.key}: could not be read from ${describeSource(source)}${detail}. Fix: give a valid "${leaf.kind}" value.`;
}
