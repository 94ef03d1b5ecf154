import { availabilityProblems, inlineKeyProblems } from './cluster-checks.js';
import { podProblems } from './pod-checks.js';
import type { KubeObject } from './render.js';
import { schemaProblems } from './schema.js';

/**
 * Every problem of a rendered set of manifests: schema validation of each object, then the checks of pods,
 * availability and inline keys. Empty when the set is fit to apply.
 *
 * @example
 * ```ts
 * expect(manifestProblems(renderKustomization('deploy/kubernetes/overlays/spire'))).toEqual([]);
 * ```
 */
export function manifestProblems(objects: readonly KubeObject[]): string[] {
  return [...objects.flatMap(schemaProblems), ...podProblems(objects), ...availabilityProblems(objects), ...inlineKeyProblems(objects)];
}
