import type { MethodPlan } from '@rampart/core';
import { keyFunction } from './call-key.js';
import { checkLimit, type RateLimitOptions, type ResolvedLimit } from './limit.js';
import { declaredLimit } from './rate-limit-decorator.js';
import type { RateLimitSettings } from './settings.js';

const DECORATOR_FIX = 'e.g. @RateLimit({ capacity: 20, refillPerSecond: 5 }) (20 calls at once, then 5 a second)';

/**
 * Checks the `@RateLimit` that applies to a planned method, if any: a bad one throws `ERR_CONFIG_INVALID` naming the
 * method and the fix (planning lists it with the app's other start-up problems). Reads the decorators only.
 *
 * @example
 * ```ts
 * checkDeclaredLimit(plan); // throws for @RateLimit({ capacity: 0, refillPerSecond: 1 })
 * ```
 */
export function checkDeclaredLimit(plan: MethodPlan): void {
  const declared = declaredLimit(plan.serviceClass, plan.method.handlerName);
  if (declared !== undefined) checkLimit(declared.options, declared.where, DECORATOR_FIX);
}

/**
 * The limit a method runs with, or undefined for none: its `ratelimit.methods` entry (`off`: none), else its
 * `@RateLimit` (the method's, else its class's), else `ratelimit.defaultLimit`.
 *
 * @example
 * ```ts
 * resolveLimit(plan, settings); // { capacity: 20, refillPerSecond: 5, keyKind: 'principal', bucket: '/acme.Orders/PlaceOrder', ... }
 * ```
 */
export function resolveLimit(plan: MethodPlan, settings: RateLimitSettings): ResolvedLimit | undefined {
  const path = plan.method.path;
  const configured = settings.methods[path];
  if (configured === 'off') return undefined;
  if (configured !== undefined) return resolved(configured, path, `ratelimit.methods["${path}"]`);
  const declared = declaredLimit(plan.serviceClass, plan.method.handlerName);
  if (declared !== undefined) {
    checkLimit(declared.options, declared.where, DECORATOR_FIX);
    return resolved(declared.options, path, declared.where);
  }
  return settings.defaultLimit === undefined ? undefined : resolved(settings.defaultLimit, path, 'ratelimit.defaultLimit');
}

function resolved(options: RateLimitOptions, path: string, source: string): ResolvedLimit {
  const { keyOf, kind } = keyFunction(options.key);
  return { capacity: options.capacity, refillPerSecond: options.refillPerSecond, keyKind: kind, keyOf, bucket: options.bucket ?? path, source };
}

/**
 * A limit in a few words, for logs and the details a refused caller gets.
 *
 * @example
 * ```ts
 * describeLimit(limit); // '20 calls at once, then 5 a second, per principal'
 * ```
 */
export function describeLimit(limit: Pick<ResolvedLimit, 'capacity' | 'refillPerSecond' | 'keyKind'>): string {
  const per = limit.keyKind === 'method' ? 'for all callers' : limit.keyKind === 'custom' ? 'per key' : `per ${limit.keyKind}`;
  return `${limit.capacity} call${limit.capacity === 1 ? '' : 's'} at once, then ${limit.refillPerSecond} a second, ${per}`;
}
