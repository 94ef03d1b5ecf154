import type { AuthDecision, Interceptor, MethodGrants, MethodInfo, MethodInterceptor } from '@rampart/core';
import { serverIdentityWriter } from './call-context.js';
import type { Intercept } from './interception.js';
import type { BoundService, PlannedService, ServiceClass } from './method-table.js';
import { collectProblem, startupRefusal, type StartupProblem } from './startup-problems.js';

/** Everything the server precomputes for one method at start-up. */
export interface MethodRuntime {
  readonly info: MethodInfo;
  readonly serviceClass: ServiceClass;
  readonly decisions: readonly AuthDecision[];
  /** The `onStart` hooks of the interceptors that apply to this method, in order. */
  readonly starts: readonly NonNullable<MethodInterceptor['onStart']>[];
  /** Their `intercept` wrappers, in the same order (the first is outermost); empty for most methods. */
  readonly intercepts: readonly Intercept[];
  /** Their `onEnd` hooks, in the same order (run in reverse). */
  readonly ends: readonly NonNullable<MethodInterceptor['onEnd']>[];
  /** The interceptors that apply, by name (as planned). */
  readonly interceptors: readonly string[];
}

/** One service class bound to its proto definition, with its methods' hooks built. */
export type ServiceBinding = BoundService<MethodRuntime>;

/**
 * Builds each planned method's hooks: asks the interceptors the plan chose for it (`interceptors[i]` is the one
 * planned at position `i`) for their `forMethod`. What they refuse (an auth stage missing for a requirement, no
 * token issuer configured) is collected and refuses start-up, every problem listed.
 */
export function buildRuntime(services: readonly PlannedService[], interceptors: readonly Interceptor[]): ServiceBinding[] {
  const problems: StartupProblem[] = [];
  const bindings = services.map((service): ServiceBinding => {
    const methods = new Map<string, MethodRuntime>();
    for (const [key, planned] of service.methods) {
      let hooks: MethodInterceptor[];
      let enforcing: MethodInterceptor[];
      try {
        const built = planned.interceptorIndexes.flatMap((i) => {
          const interceptor = interceptors[i] as Interceptor;
          const grants = grantsFor(interceptor);
          const hook = interceptor.forMethod(planned.plan, grants);
          return hook === undefined ? [] : [{ hook, enforces: grants === ENFORCER_GRANTS }];
        });
        hooks = built.map((b) => b.hook);
        enforcing = built.filter((b) => b.enforces).map((b) => b.hook);
      } catch (error) {
        collectProblem(problems, error);
        continue;
      }
      // The wrappers of interceptors that enforce auth decisions are outermost, whatever their slot: a request
      // policy's check (auth) runs before any other wrapper sees the request or answers without `next` (a cache).
      const wrappers = [...enforcing, ...hooks.filter((h) => !enforcing.includes(h))];
      methods.set(key, {
        info: planned.info,
        serviceClass: planned.serviceClass,
        decisions: planned.decisions,
        starts: hooks.flatMap((h) => (h.onStart ? [h.onStart.bind(h)] : [])),
        intercepts: wrappers.flatMap((h) => (h.intercept ? [h.intercept.bind(h)] : [])),
        ends: hooks.flatMap((h) => (h.onEnd ? [h.onEnd.bind(h)] : [])),
        interceptors: planned.interceptors,
      });
    }
    return { serviceClass: service.serviceClass, typeName: service.typeName, definition: service.definition, methods };
  });
  if (problems.length > 0) throw startupRefusal(problems);
  return bindings;
}

const ENFORCER_GRANTS: MethodGrants = { identity: serverIdentityWriter };
const READER_GRANTS: MethodGrants = { identity: undefined };

/** Only an interceptor that enforces auth decisions (declares `enforces`) may change who a call is. */
function grantsFor(interceptor: Interceptor): MethodGrants {
  return interceptor.enforces !== undefined && interceptor.enforces.length > 0 ? ENFORCER_GRANTS : READER_GRANTS;
}
