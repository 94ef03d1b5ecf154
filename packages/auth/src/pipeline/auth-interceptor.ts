import {
  createContextKey,
  RampartError,
  settleHookResult,
  type CallContext,
  type CallControl,
  type Interceptor,
  type InterceptorDeclaration,
  type MethodInterceptor,
  type MethodPlan,
} from '@rampart/core';
import type { Container } from 'inversify';
import { POLICY_DECISION } from '../decorators/authorize.js';
import { TOKEN_DECISION } from '../decorators/authenticated.js';
import { MTLS_DECISION } from '../mtls/require-mtls.js';
import type { AuthAuditor } from './auditor.js';
import { decisionEvent as event } from './decision-event.js';
import { requestPolicies } from './request-policies.js';
import { requirementsOf } from './requirements.js';
import { resolveStages } from './resolve-stages.js';
import { checkStageCoverage, type PlannedStage } from './stage-coverage.js';
import type { AuthCallState, StageCheck } from './stage.js';
import { StreamLifetime } from './stream-lifetime.js';
import { AUTH_TOKENS, type AuthPipelineSettings } from './tokens.js';

const STREAM_LIFETIME = createContextKey<StreamLifetime | undefined>(undefined, { description: 'rampart.auth.streamLifetime' });

/** Whether a method has decisions the auth pipeline enforces; throws `ERR_AUTH_CONFLICT` for conflicting ones. */
function hasAuthWork(plan: MethodPlan): boolean {
  const requirements = requirementsOf(plan);
  return requirements.mtls.length > 0 || requirements.token !== undefined || requirements.policies.length > 0;
}

/**
 * The auth interceptor as planning sees it (`RampartPlugin.interceptors`): it runs for every method with
 * `@RequireMtls`, `@Authenticated` or `@Authorize`, and refuses conflicting decisions (`ERR_AUTH_CONFLICT`).
 *
 * @example
 * ```ts
 * definePlugin({ name: 'rampart-auth', interceptors: [AUTH_INTERCEPTOR], register(ctx) { ctx.addInterceptor(authInterceptor(ctx.container)); } });
 * ```
 */
export const AUTH_INTERCEPTOR: InterceptorDeclaration = {
  name: 'rampart-auth',
  enforces: [MTLS_DECISION, TOKEN_DECISION, POLICY_DECISION],
  appliesTo: hasAuthWork,
};

/**
 * The auth pipeline as one interceptor. At start-up, per method, it gathers the method's requirements from its
 * decorators, asks every stage for its check, and refuses to start when a requirement is left to no stage
 * (`checkStageCoverage`); methods without auth decisions of its kinds get no hooks. Per call it runs the checks in
 * order before the handler sees any request and records one audit decision. A stream lives no longer than its
 * credentials: it is ended (UNAUTHENTICATED, audited) at its token's expiry plus grace, at its client
 * certificate's `notAfter`, or when a stage ends it (revocation).
 */
export function authInterceptor(container: Container): Interceptor {
  return {
    ...AUTH_INTERCEPTOR,
    forMethod(plan, { identity }): MethodInterceptor | undefined {
      const requirements = requirementsOf(plan);
      if (requirements.mtls.length === 0 && requirements.token === undefined && requirements.policies.length === 0) {
        return undefined;
      }
      if (identity === undefined) {
        throw new RampartError('ERR_INTERNAL', `the auth interceptor was given no identity writer for ${plan.method.path}: it must be registered with its \`enforces\` list (AUTH_INTERCEPTOR)`);
      }
      const planned = resolveStages(container).flatMap((stage): PlannedStage[] => {
        const check = stage.plan(requirements, identity);
        return check === undefined ? [] : [{ stage, check }];
      });
      checkStageCoverage(requirements, planned);
      const checks: readonly StageCheck[] = planned.map((p) => p.check);
      const names: readonly string[] = planned.map((p) => `auth stage "${p.stage.name}"`);
      const auditor = container.get<AuthAuditor>(AUTH_TOKENS.Auditor);
      const { streamExpiryGraceMs } = container.get<AuthPipelineSettings>(AUTH_TOKENS.Settings);
      const streaming = plan.method.kind !== 'unary';
      const intercept = requestPolicies(container, requirements, auditor);
      const path = plan.method.path;

      const allowed = (ctx: CallContext, state: AuthCallState, started: number): void => {
        const lifetime = streaming ? ctx.values.get(STREAM_LIFETIME) : undefined;
        // Ended (or cancelled) while an asynchronous check ran: that end was audited; nothing to allow or arm.
        if (lifetime?.closed === true) return;
        // Only now, with every stage passed (binding included), is the token one a handler may exchange (asCaller).
        if (state.bearer !== undefined) identity.acceptBearer(ctx, state.bearer);
        if (auditor.recordAllowed?.(ctx) !== true) auditor.record(ctx, event(path, ctx, started, undefined));
        lifetime?.arm(ctx, streamExpiryGraceMs);
      };
      const denied = (ctx: CallContext, started: number, thrown: unknown): never => {
        const error = RampartError.from(thrown);
        auditor.record(ctx, event(path, ctx, started, error));
        throw error;
      };
      const newState = (ctx: CallContext, control: CallControl): AuthCallState => {
        if (!streaming) return { token: undefined, bearer: undefined, stream: undefined };
        const lifetime = new StreamLifetime(control, (error) => auditor.record(ctx, event(path, ctx, performance.now(), error)));
        ctx.values.set(STREAM_LIFETIME, lifetime);
        return { token: undefined, bearer: undefined, stream: lifetime };
      };

      const finishAsync = async (pending: Promise<void>, from: number, ctx: CallContext, state: AuthCallState, started: number): Promise<void> => {
        try {
          await pending;
          // The checks after the asynchronous one: only a thenable is awaited (a microtask per check otherwise).
          for (let i = from; i < checks.length; i++) {
            const result = (checks[i] as StageCheck)(ctx, state);
            if (result !== undefined) await settleHookResult(result, names[i] as string);
          }
        } catch (thrown) {
          denied(ctx, started, thrown);
        }
        allowed(ctx, state, started);
      };

      return {
        // Synchronous while every check is (mTLS, cached tokens are not: verification is async), so a call whose
        // checks are all synchronous costs no promise. Any thenable a check returns is awaited, never taken for a
        // synchronous success; any other value refuses the call (settleHookResult).
        onStart(ctx, control) {
          const started = ctx.startedAt ?? performance.now();
          const state = newState(ctx, control);
          for (let i = 0; i < checks.length; i++) {
            let pending: Promise<void> | undefined;
            try {
              const result = (checks[i] as StageCheck)(ctx, state);
              pending = result === undefined ? undefined : settleHookResult(result, names[i] as string);
            } catch (thrown) {
              return denied(ctx, started, thrown);
            }
            if (pending !== undefined) return finishAsync(pending, i + 1, ctx, state, started);
          }
          allowed(ctx, state, started);
          return undefined;
        },
        // Policies that decide on the request message (`authorizeRequest`) wrap the handler.
        ...(intercept !== undefined ? { intercept } : {}),
        // Only a stream has a lifetime to close.
        ...(streaming
          ? {
              onEnd(ctx: CallContext) {
                ctx.values.get(STREAM_LIFETIME)?.close();
              },
            }
          : {}),
      };
    },
  };
}
