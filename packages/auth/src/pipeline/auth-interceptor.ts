import {
  createContextKey,
  RampartError,
  type CallContext,
  type CallControl,
  type Interceptor,
  type MethodInterceptor,
} from '@rampart/core';
import type { Container } from 'inversify';
import { POLICY_DECISION } from '../decorators/authorize.js';
import { TOKEN_DECISION } from '../decorators/authenticated.js';
import { MTLS_DECISION } from '../mtls/require-mtls.js';
import type { AuthAuditor, AuthDecisionEvent } from './auditor.js';
import { requirementsOf } from './requirements.js';
import { resolveStages } from './resolve-stages.js';
import type { AuthCallState, StageCheck } from './stage.js';
import { AUTH_TOKENS, type AuthPipelineSettings } from './tokens.js';

const EXPIRY_TIMER = createContextKey<NodeJS.Timeout | undefined>(undefined, { description: 'rampart.auth.expiryTimer' });
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The auth pipeline as one interceptor. At start-up, per method, it gathers the method's requirements from its
 * decorators and asks every stage for its check; methods without auth decisions of its kinds get no hooks. Per
 * call it runs the checks in order before the handler sees any request, records one audit decision, and for
 * streams schedules the end of the call at the token's expiry (plus grace).
 */
export function authInterceptor(container: Container): Interceptor {
  return {
    name: 'rampart-auth',
    enforces: [MTLS_DECISION, TOKEN_DECISION, POLICY_DECISION],
    forMethod(plan): MethodInterceptor | undefined {
      const requirements = requirementsOf(plan);
      if (requirements.mtls.length === 0 && requirements.token === undefined && requirements.policies.length === 0) {
        return undefined;
      }
      const checks = resolveStages(container)
        .map((stage) => stage.plan(requirements))
        .filter((check): check is StageCheck => check !== undefined);
      const auditor = container.get<AuthAuditor>(AUTH_TOKENS.Auditor);
      const { streamExpiryGraceMs } = container.get<AuthPipelineSettings>(AUTH_TOKENS.Settings);
      const streaming = plan.method.kind !== 'unary';
      const path = plan.method.path;

      const allowed = (ctx: CallContext, control: CallControl, started: number): void => {
        if (auditor.recordAllowed?.(ctx) !== true) auditor.record(ctx, event(path, ctx, started, undefined));
        const expiresAt = ctx.principal?.expiresAt.getTime();
        if (streaming && expiresAt !== undefined) {
          const delay = Math.min(Math.max(expiresAt + streamExpiryGraceMs - Date.now(), 0), MAX_TIMER_MS);
          const timer = setTimeout(
            () => control.end(new RampartError('ERR_TOKEN_EXPIRED', 'token expired', { reason: 'the token expired during the stream' })),
            delay,
          );
          timer.unref();
          ctx.values.set(EXPIRY_TIMER, timer);
        }
      };
      const denied = (ctx: CallContext, started: number, thrown: unknown): never => {
        const error = RampartError.from(thrown);
        auditor.record(ctx, event(path, ctx, started, error));
        throw error;
      };

      const finishAsync = async (
        pending: Promise<void>,
        from: number,
        ctx: CallContext,
        control: CallControl,
        state: AuthCallState,
        started: number,
      ): Promise<void> => {
        try {
          await pending;
          // The checks after the asynchronous one: only a promise is awaited (a microtask per check otherwise).
          for (let i = from; i < checks.length; i++) {
            const result = (checks[i] as StageCheck)(ctx, state);
            if (result instanceof Promise) await result;
          }
        } catch (thrown) {
          denied(ctx, started, thrown);
        }
        allowed(ctx, control, started);
      };

      return {
        // Synchronous while every check is (mTLS, cached tokens are not: verification is async), so a call whose
        // checks are all synchronous costs no promise.
        onStart(ctx, control) {
          const started = ctx.startedAt ?? performance.now();
          const state: AuthCallState = { token: undefined };
          for (let i = 0; i < checks.length; i++) {
            let result: void | Promise<void>;
            try {
              result = (checks[i] as StageCheck)(ctx, state);
            } catch (thrown) {
              return denied(ctx, started, thrown);
            }
            if (result instanceof Promise) return finishAsync(result, i + 1, ctx, control, state, started);
          }
          allowed(ctx, control, started);
          return undefined;
        },
        // Only a stream gets an expiry timer to clear.
        ...(streaming
          ? {
              onEnd(ctx: CallContext) {
                const timer = ctx.values.get(EXPIRY_TIMER);
                if (timer !== undefined) clearTimeout(timer);
              },
            }
          : {}),
      };
    },
  };
}

function event(method: string, ctx: CallContext, started: number, error: RampartError | undefined): AuthDecisionEvent {
  return {
    method,
    decision: error === undefined ? 'allow' : 'deny',
    reason: error === undefined ? 'ok' : error.code,
    detail: error?.reason ?? error?.message,
    status: error === undefined ? 0 : error.status,
    subject: ctx.principal?.subject,
    clientId: ctx.principal?.clientId,
    actors: ctx.principal?.actors ?? [],
    peer: ctx.peer?.spiffeId,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
