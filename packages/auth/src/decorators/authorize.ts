import type { Newable } from 'inversify';
import { authDecisionDecorator, type CallContext, type IncomingMetadata, type MethodInfo, type PeerIdentity, type Principal } from '@rampart/core';

/** The decision kind `@Authorize` records. */
export const POLICY_DECISION = 'policy';

/** What a policy sees. */
export interface PolicyInput {
  readonly method: MethodInfo;
  readonly principal: Principal | undefined;
  readonly peer: PeerIdentity | undefined;
  readonly metadata: IncomingMetadata;
  readonly ctx: CallContext;
}

/**
 * An authorization policy: a class resolved from the container (so it can inject what it needs), asked once per
 * call after the token and the certificate were checked. Return `true` to allow; `false` or a reason string to
 * deny (PERMISSION_DENIED; the reason goes to the audit log only).
 */
export interface AuthorizationPolicy {
  authorize(input: PolicyInput): boolean | string | Promise<boolean | string>;
}

/** A policy class, constructed by the container (name its injections with `@inject(TOKEN)`). */
export type PolicyClass = Newable<AuthorizationPolicy>;

/**
 * Adds authorization policies to a class or method (on a method it replaces its own class's `@Authorize`). Every
 * policy must allow, including those of base classes: decisions add up along the inheritance chain, and a
 * subclass's `@Authorize` never drops its base's `@RequireMtls` or `@Authenticated` (docs/security/decisions.md).
 *
 * @example
 * ```ts
 * class BusinessHours implements AuthorizationPolicy {
 *   authorize() { const h = new Date().getUTCHours(); return h >= 8 && h < 18 ? true : 'outside business hours'; }
 * }
 * @Authorize(BusinessHours)
 * async refund(req, ctx) { ... }
 * ```
 */
export function Authorize(...policies: PolicyClass[]): ReturnType<typeof authDecisionDecorator> {
  if (policies.length === 0 || policies.some((p) => typeof p !== 'function')) {
    throw new TypeError('@Authorize needs at least one policy class');
  }
  return authDecisionDecorator({ kind: POLICY_DECISION, options: Object.freeze({ policies }) });
}
