import type { Newable } from 'inversify';
import {
  authDecisionDecorator,
  type CallContext,
  type DecisionDecorator,
  type IncomingMetadata,
  type MethodInfo,
  type PeerIdentity,
  type Principal,
} from '@rampart/core';

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
 * What a policy that decides on the request sees: everything {@link PolicyInput} has, and one request message.
 * For a unary or server-streaming call `request` is the request and `index` 0; for a client-streaming or bidi call
 * the policy is asked for each request message, `index` counting from 0.
 */
export interface RequestPolicyInput<Req = unknown> extends PolicyInput {
  readonly request: Req;
  readonly index: number;
}

/**
 * What a policy decides: allow, or deny with a reason (the reason goes to the audit log only; the caller sees
 * PERMISSION_DENIED `permission denied`). Made with {@link allow} and {@link deny}.
 *
 * @example
 * ```ts
 * const decision: PolicyDecision = owner === caller ? allow() : deny('not the owner');
 * ```
 */
export type PolicyDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

const ALLOW: PolicyDecision = Object.freeze({ allow: true });

/**
 * The decision that lets the call through.
 *
 * @example
 * ```ts
 * authorize({ principal }: PolicyInput) { return principal?.roles.has('admin') === true ? allow() : deny('not an admin'); }
 * ```
 */
export function allow(): PolicyDecision {
  return ALLOW;
}

/**
 * The decision that refuses the call with PERMISSION_DENIED; `reason` goes to the audit log
 * (`policy <Name> denied: <reason>`), never to the caller.
 *
 * @example
 * ```ts
 * return deny('outside business hours');
 * ```
 */
export function deny(reason: string): PolicyDecision {
  return Object.freeze({ allow: false, reason });
}

/**
 * An authorization policy: a class resolved from the container (so it can inject what it needs). It decides with
 * `authorize` once per call, after the token and the certificate were checked and before any request message is
 * read; and/or with `authorizeRequest` on the request message (each request message of a client or bidi stream),
 * before the handler sees it: object-level authorization ("may this caller read this order?"). Each returns
 * {@link allow}() or {@link deny}(reason), or a promise of one. Anything else (`true`, a string, `undefined`, a thrown
 * error) denies: a policy fails closed. A policy with neither method stops start-up.
 *
 * @example
 * ```ts
 * class OrderOwner implements AuthorizationPolicy {
 *   constructor(@inject(ORDERS) private readonly orders: OrderRepository) {}
 *   async authorizeRequest({ request, principal }: RequestPolicyInput<{ orderId: string }>) {
 *     const order = await this.orders.find(request.orderId);
 *     // A subject is unique only within its issuer: compare both.
 *     const owner = order?.placedBy;
 *     return order === undefined || (owner?.issuer === principal?.issuer && owner?.subject === principal?.subject) ? allow() : deny('not the owner');
 *   }
 * }
 * ```
 */
export interface AuthorizationPolicy {
  authorize?(input: PolicyInput): PolicyDecision | Promise<PolicyDecision>;
  authorizeRequest?(input: RequestPolicyInput): PolicyDecision | Promise<PolicyDecision>;
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
 *   authorize() { const h = new Date().getUTCHours(); return h >= 8 && h < 18 ? allow() : deny('outside business hours'); }
 * }
 * @Authorize(BusinessHours)
 * async refund(req, ctx) { ... }
 * ```
 */
export function Authorize(...policies: PolicyClass[]): DecisionDecorator {
  if (policies.length === 0 || policies.some((p) => typeof p !== 'function')) {
    throw new TypeError('@Authorize needs at least one policy class');
  }
  return authDecisionDecorator({ kind: POLICY_DECISION, options: Object.freeze({ policies }) });
}
