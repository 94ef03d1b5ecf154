import { eachMessage, RampartError, type CallContext, type InterceptedRequest, type MethodInterceptor } from '@rampart/core';
import type { Container } from 'inversify';
import type { AuthorizationPolicy } from '../decorators/authorize.js';
import type { AuthAuditor } from './auditor.js';
import { isAllow, refusal, resolvePolicy } from './authorization-stage.js';
import { decisionEvent } from './decision-event.js';
import type { AuthRequirements } from './stage.js';

type RequestPolicy = Required<Pick<AuthorizationPolicy, 'authorizeRequest'>>;

/**
 * The `intercept` that asks a method's `@Authorize` policies with `authorizeRequest` about the request message
 * (each request message of a client or bidi stream) before the handler sees it; `undefined` when the method has
 * none, so it pays nothing. A refusal ends the call (PERMISSION_DENIED `permission denied` for a deny, or the
 * RampartError the policy threw) with an audit line naming the policy; a policy that throws anything else, or returns
 * anything but a decision, denies: it fails closed.
 */
export function requestPolicies(container: Container, requirements: AuthRequirements, auditor: AuthAuditor): MethodInterceptor['intercept'] {
  const { method } = requirements;
  const policies = requirements.policies.flatMap((policy) => {
    const instance = resolvePolicy(container, policy, method.path);
    return typeof instance.authorizeRequest === 'function' ? [{ name: policy.name, policy: instance as RequestPolicy }] : [];
  });
  if (policies.length === 0) return undefined;

  const decide = async (ctx: CallContext, request: unknown, index: number): Promise<void> => {
    const started = performance.now();
    for (const { name, policy } of policies) {
      let error: RampartError | undefined;
      try {
        const decision: unknown = await policy.authorizeRequest({ method, principal: ctx.principal, peer: ctx.peer, metadata: ctx.metadata, ctx, request, index });
        if (!isAllow(decision)) error = new RampartError('ERR_POLICY_DENIED', 'permission denied', { reason: `policy ${name} ${refusal(decision)} (request message ${index})` });
      } catch (thrown) {
        error = RampartError.is(thrown)
          ? thrown
          : new RampartError('ERR_POLICY_DENIED', 'permission denied', { reason: `policy ${name} threw on request message ${index}: ${describeThrown(thrown)}`, cause: thrown });
      }
      if (error !== undefined) {
        auditor.record(ctx, decisionEvent(method.path, ctx, started, error));
        throw error;
      }
    }
  };

  return async (request: InterceptedRequest, ctx, next) => {
    if (request.kind === 'unary' || request.kind === 'serverStream') {
      await decide(ctx, request.message, 0);
      return next(request);
    }
    return next({ ...request, messages: eachMessage(request.messages, (message, index) => decide(ctx, message, index)) });
  };
}

/** What a policy threw, for the audit line: bounded, and never itself a throw (a value whose toString throws). */
function describeThrown(thrown: unknown): string {
  try {
    return String(thrown).slice(0, 200);
  } catch {
    return 'a value that cannot be shown';
  }
}
