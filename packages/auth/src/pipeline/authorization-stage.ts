import { RampartError, type CallContext } from '@rampart/core';
import { inject, injectable, type Container } from 'inversify';
import { AUTH_TOKENS } from './tokens.js';
import type { AuthorizationPolicy, PolicyClass } from '../decorators/authorize.js';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/**
 * Authorization: the scopes `@Authenticated` asks for, then every `@Authorize` policy, resolved once from the
 * container. Authenticated but not allowed → PERMISSION_DENIED.
 */
@injectable()
export class AuthorizationStage implements AuthStage {
  readonly name = 'authorization';
  readonly order = STAGE_ORDER.authorization;
  readonly enforces = ['scopes', 'policy'] as const;

  constructor(@inject(AUTH_TOKENS.Container) private readonly container: Container) {}

  plan({ token, policies, method }: AuthRequirements): StageCheck | undefined {
    const all = token?.scopes ?? [];
    const any = token?.anyScopes ?? [];
    if (all.length === 0 && any.length === 0 && policies.length === 0) return undefined;
    const instances = policies.flatMap((policy) => {
      const instance = resolvePolicy(this.container, policy, method.path);
      // A policy that decides only on the request message runs when the message is there (the auth interceptor's
      // `intercept`), not here.
      return typeof instance.authorize === 'function' ? [{ name: policy.name, policy: instance as Required<Pick<AuthorizationPolicy, 'authorize'>> }] : [];
    });
    // Plain loops: this runs on every call, and a callback per check would be allocated on each.
    const checkScopes = (ctx: CallContext): void => {
      const granted = ctx.principal?.scopes;
      for (let i = 0; i < all.length; i++) {
        if (granted?.has(all[i] as string) !== true) {
          const missing = all.filter((s) => !granted?.has(s));
          throw new RampartError('ERR_INSUFFICIENT_SCOPE', 'insufficient scope', { reason: `missing scope ${missing.join(' ')}` });
        }
      }
      if (any.length > 0 && !hasAny(granted, any)) {
        throw new RampartError('ERR_INSUFFICIENT_SCOPE', 'insufficient scope', { reason: `needs one of ${any.join(' ')}` });
      }
    };
    // Scopes are decided synchronously (no promise for a warm call); policies may be asynchronous.
    if (instances.length === 0) return checkScopes;
    return async (ctx: CallContext) => {
      checkScopes(ctx);
      for (const { name, policy } of instances) {
        const decision: unknown = await policy.authorize({ method, principal: ctx.principal, peer: ctx.peer, metadata: ctx.metadata, ctx });
        if (!isAllow(decision)) throw new RampartError('ERR_POLICY_DENIED', 'permission denied', { reason: `policy ${name} ${refusal(decision)}` });
      }
    };
  }

}

/**
 * The policy's instance, resolved from the container once (a singleton unless the app bound it otherwise).
 *
 * @throws RampartError `ERR_CONFIG_INVALID` for a policy with neither `authorize` nor `authorizeRequest`.
 */
export function resolvePolicy(container: Container, policy: PolicyClass, path: string): AuthorizationPolicy {
  if (!container.isBound(policy)) container.bind(policy).toSelf().inSingletonScope();
  const instance = container.get(policy);
  if (typeof instance.authorize !== 'function' && typeof instance.authorizeRequest !== 'function') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `${path}: policy ${policy.name} has neither authorize(input) nor authorizeRequest(input), so it could decide nothing. Fix: implement one of them (AuthorizationPolicy)`,
    );
  }
  return instance;
}

function hasAny(granted: ReadonlySet<string> | undefined, wanted: readonly string[]): boolean {
  if (granted === undefined) return false;
  for (let i = 0; i < wanted.length; i++) if (granted.has(wanted[i] as string)) return true;
  return false;
}

/** Only `allow()`'s shape lets a call through; `true`, a string or anything else a policy returns denies. */
export function isAllow(decision: unknown): boolean {
  return typeof decision === 'object' && decision !== null && (decision as { allow?: unknown }).allow === true;
}

/** The audit reason of a refusal: the policy's own, or what it returned instead of a decision. */
export function refusal(decision: unknown): string {
  const d = decision as { allow?: unknown; reason?: unknown } | null;
  if (typeof d === 'object' && d !== null && d.allow === false) return `denied${typeof d.reason === 'string' && d.reason !== '' ? `: ${d.reason}` : ''}`;
  return `denied: it returned ${describe(decision)}, not allow() or deny(reason)`;
}

function describe(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'an object that is not a decision';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
