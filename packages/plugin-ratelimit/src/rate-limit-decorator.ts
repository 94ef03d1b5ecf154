import 'reflect-metadata';
import type { RateLimitOptions } from './limit.js';

const RATE_LIMIT = Symbol.for('rampart.ratelimit.limit');

/**
 * Limits how often a method (or, on a class, each of its methods) may be called: a token bucket of `capacity` calls,
 * refilled at `refillPerSecond`, per principal by default (see `RateLimitKey`). A call over the budget ends with
 * RESOURCE_EXHAUSTED and a `RetryInfo` detail (the time until the next token) before the handler runs. On a method it
 * replaces its class's limit; a subclass inherits both. Only records metadata: `rampartRateLimit()` reads it at
 * start-up, where a bad limit (capacity below 1, refill not above 0, an unknown key) stops the app naming the method.
 * Config can override it per method (`ratelimit.methods`).
 *
 * @example
 * ```ts
 * @RateLimit({ capacity: 20, refillPerSecond: 5 })            // 20 orders at once, then 5 a second, per principal
 * async placeOrder(req: PlaceOrderRequest__Output, ctx: CallContext): Promise<Order> { ... }
 * ```
 */
export function RateLimit(options: RateLimitOptions): <T>(target: object, propertyKey?: string | symbol, descriptor?: TypedPropertyDescriptor<T>) => void {
  return (target, propertyKey) => {
    if (propertyKey === undefined) Reflect.defineMetadata(RATE_LIMIT, options, target);
    else Reflect.defineMetadata(RATE_LIMIT, options, target, propertyKey);
  };
}

/** Where a declared limit was found, with the limit as written (unchecked). */
export interface DeclaredLimit {
  readonly options: RateLimitOptions;
  /** `@RateLimit on OrdersService.placeOrder` or `@RateLimit on OrdersService` (the class). */
  readonly where: string;
}

/**
 * The `@RateLimit` that applies to a handler: its method's (own or inherited), else its class's (own or inherited).
 *
 * @example
 * ```ts
 * declaredLimit(OrdersService, 'placeOrder')?.options; // { capacity: 20, refillPerSecond: 5 }
 * ```
 */
export function declaredLimit(serviceClass: abstract new (...args: never[]) => unknown, handlerName: string): DeclaredLimit | undefined {
  const prototype = serviceClass.prototype as object | undefined;
  const onMethod = prototype === undefined ? undefined : (Reflect.getMetadata(RATE_LIMIT, prototype, handlerName) as RateLimitOptions | undefined);
  if (onMethod !== undefined) return { options: onMethod, where: `@RateLimit on ${serviceClass.name}.${handlerName}` };
  const onClass = Reflect.getMetadata(RATE_LIMIT, serviceClass) as RateLimitOptions | undefined;
  return onClass === undefined ? undefined : { options: onClass, where: `@RateLimit on ${serviceClass.name} (for ${handlerName})` };
}
