import { RampartError, type Interceptor, type MethodInterceptor, type MethodPlan } from '@rampart/core';
import { checkMtls } from './check-mtls.js';
import { isMtlsRule, type MtlsRule } from './mtls-rule.js';
import { MTLS_DECISION } from './require-mtls.js';

/**
 * The interceptor that enforces `@RequireMtls`. For a method without an mTLS decision it does nothing (the method
 * pays nothing); otherwise it checks `ctx.peer`, which the server fills before `onStart`, against the method's
 * rule, synchronously. Two `@RequireMtls` on the same level must both pass.
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'inventory', services: [InventoryService], interceptors: [mtlsInterceptor()] });
 * // usually added for you by the `rampartAuth()` plugin
 * ```
 */
export function mtlsInterceptor(): Interceptor {
  return {
    name: 'rampart-mtls',
    enforces: [MTLS_DECISION],
    forMethod(plan: MethodPlan): MethodInterceptor | undefined {
      const rules = mtlsRules(plan);
      if (rules.length === 0) return undefined;
      if (rules.length === 1) {
        const rule = rules[0] as MtlsRule;
        return {
          onStart(ctx) {
            checkMtls(rule, ctx.peer);
          },
        };
      }
      return {
        onStart(ctx) {
          for (let i = 0; i < rules.length; i++) checkMtls(rules[i] as MtlsRule, ctx.peer);
        },
      };
    },
  };
}

function mtlsRules(plan: MethodPlan): MtlsRule[] {
  const rules: MtlsRule[] = [];
  for (const decision of plan.decisions) {
    if (decision.kind !== MTLS_DECISION) continue;
    if (!isMtlsRule(decision.options)) {
      throw new RampartError(
        'ERR_SERVICE_DEFINITION',
        `${plan.serviceClass.name}.${plan.method.handlerName} (rpc ${plan.method.path}) has an "${MTLS_DECISION}" ` +
          'decision that was not recorded by @RequireMtls(): use @RequireMtls({ allow: [...] })',
      );
    }
    rules.push(decision.options);
  }
  return rules;
}
