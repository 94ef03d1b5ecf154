import { RampartError, type MethodPlan } from '@rampart/core';
import { POLICY_DECISION, type PolicyClass } from '../decorators/authorize.js';
import { TOKEN_DECISION, type AuthenticatedOptions } from '../decorators/authenticated.js';
import { MTLS_DECISION } from '../mtls/require-mtls.js';
import type { MtlsRule } from '../mtls/mtls-rule.js';
import type { AuthRequirements } from './stage.js';

/** Gathers what a method requires from its effective auth decisions. */
export function requirementsOf(plan: MethodPlan): AuthRequirements {
  const mtls: MtlsRule[] = [];
  const tokens: AuthenticatedOptions[] = [];
  const policies: PolicyClass[] = [];
  for (const decision of plan.decisions) {
    if (decision.kind === MTLS_DECISION) mtls.push(decision.options as MtlsRule);
    else if (decision.kind === TOKEN_DECISION) tokens.push(decision.options as AuthenticatedOptions);
    else if (decision.kind === POLICY_DECISION) policies.push(...(decision.options as { policies: PolicyClass[] }).policies);
  }
  if (tokens.length > 1) {
    // Also across classes of an inheritance chain (decisions add up there): their options have no safe merge.
    const where = plan.decisions.filter((d) => d.kind === TOKEN_DECISION).map((d) => d.declaredOn ?? '?');
    throw new RampartError(
      'ERR_AUTH_CONFLICT',
      `${plan.serviceClass.name}.${plan.method.handlerName} (rpc ${plan.method.path}) has ${tokens.length} @Authenticated ` +
        `decorators (on ${where.join(', ')}), and a method takes one: merge them into one, or move a class-level one ` +
        'onto the methods that need it',
    );
  }
  return { method: plan.method, decisions: plan.decisions, mtls, token: tokens[0], policies };
}
