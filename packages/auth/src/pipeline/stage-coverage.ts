import { RampartError } from '@rampart/core';
import type { AuthRequirementKind, AuthRequirements, AuthStage, StageCheck } from './stage.js';

/** One stage that returned a check for a method. */
export interface PlannedStage {
  readonly stage: AuthStage;
  readonly check: StageCheck;
}

/** What each requirement is, and which built-in stage enforces it, for the start-up message. */
const REQUIREMENTS: Record<AuthRequirementKind, { readonly what: string; readonly builtIn: string }> = {
  mtls: { what: 'a client certificate allowed by @RequireMtls', builtIn: 'mtls' },
  token: { what: 'a verified bearer token (@Authenticated)', builtIn: 'token' },
  binding: { what: 'that a certificate-bound token (cnf x5t#S256) comes from its certificate', builtIn: 'binding' },
  scopes: { what: 'the scopes of its @Authenticated', builtIn: 'authorization' },
  policy: { what: 'its @Authorize policies', builtIn: 'authorization' },
  oneTimeUse: { what: 'one-time use of its token (@Authenticated({ oneTimeUse: true }))', builtIn: 'one-time-use' },
};

/**
 * The requirements a method's decisions make, each of which a stage must enforce.
 *
 * @example
 * ```ts
 * requiredKinds(requirementsOf(plan)); // ['mtls', 'token', 'binding', 'scopes'] for @RequireMtls + @Authenticated({ scopes })
 * ```
 */
export function requiredKinds({ mtls, token, policies }: AuthRequirements): AuthRequirementKind[] {
  const kinds: AuthRequirementKind[] = [];
  if (mtls.length > 0) kinds.push('mtls');
  if (token !== undefined) {
    kinds.push('token', 'binding');
    if ((token.scopes?.length ?? 0) > 0 || (token.anyScopes?.length ?? 0) > 0) kinds.push('scopes');
    if (token.oneTimeUse === true) kinds.push('oneTimeUse');
  }
  if (policies.length > 0) kinds.push('policy');
  return kinds;
}

/**
 * Refuses to plan a method one of whose requirements no stage enforces: for every requirement, some stage that
 * declares it in `enforces` must have returned a check for the method, and every `needs` of a planned stage must
 * be enforced by an earlier one. Lists every problem of the method.
 *
 * @throws RampartError `ERR_UNENFORCED_DECISION` naming the method, each requirement and the fix.
 *
 * @example
 * ```ts
 * checkStageCoverage(requirements, planned); // after AUTH_STAGE_REMOVED 'token': throws for every @Authenticated method
 * ```
 */
export function checkStageCoverage(requirements: AuthRequirements, planned: readonly PlannedStage[]): void {
  const problems: string[] = [];
  const missing = new Set<AuthRequirementKind>();
  for (const kind of requiredKinds(requirements)) {
    if (planned.some(({ stage }) => stage.enforces?.includes(kind) === true)) continue;
    missing.add(kind);
    const { what, builtIn } = REQUIREMENTS[kind];
    problems.push(
      `it requires ${what}, but no auth stage enforces "${kind}": the built-in stage "${builtIn}" was removed ` +
        `(AUTH_STAGE_REMOVED), replaced by a stage of the same name that does not declare enforces: ['${kind}'], or ` +
        `returned no check for this method. Fix: keep the built-in "${builtIn}" stage, or enforce "${kind}" in the ` +
        `stage that replaces it and declare it there (readonly enforces = ['${kind}'])`,
    );
  }
  for (const { stage } of planned) {
    for (const need of stage.needs ?? []) {
      if (missing.has(need)) continue; // said above: nothing enforces it at all
      const before = planned.some((other) => other.stage.order < stage.order && other.stage.enforces?.includes(need) === true);
      if (before) continue;
      problems.push(
        `stage "${stage.name}" (order ${stage.order}) needs "${need}" enforced before it, and no earlier stage does. ` +
          `Fix: give "${stage.name}" an order after the stage that enforces "${need}" (the built-in ` +
          `"${REQUIREMENTS[need].builtIn}"), or keep that stage`,
      );
    }
  }
  if (problems.length === 0) return;
  throw new RampartError(
    'ERR_UNENFORCED_DECISION',
    `refusing to start: ${requirements.method.path} is not fully protected by the auth pipeline\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
