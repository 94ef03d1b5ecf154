import { RampartError, type CallContext } from '@rampart/core';

/**
 * Whose budget a call spends:
 * - `'principal'`: the token's issuer and subject; a call without a token (a `@RequireMtls`-only or `@Public` method)
 *   spends its peer's (its SPIFFE ID), and a call with neither shares one budget with every such call;
 * - `'peer'`: the client certificate's SPIFFE ID (else its SHA-256 thumbprint); calls without a certificate share one;
 * - `'method'`: one budget for the method, whoever calls;
 * - a function of the call's context (`ctx.principal`, `ctx.peer`, `ctx.metadata`, …) returning the key. It runs
 *   after authentication; a throw, or anything but a string, refuses the call with INTERNAL (fails closed).
 *
 * @example
 * ```ts
 * const byTenant: RateLimitKey = (ctx) => String(ctx.principal?.claims['tenant'] ?? 'none');
 * ```
 */
export type RateLimitKey = 'principal' | 'peer' | 'method' | ((ctx: CallContext) => string);

/** The key kinds a limit in config can name (a function exists only in code). */
export const KEY_KINDS = ['principal', 'peer', 'method'] as const;

/**
 * A token bucket: `capacity` calls at once, then `refillPerSecond` calls a second. Every call (of any of the four
 * kinds) takes one token when it starts; a call that finds none is refused with RESOURCE_EXHAUSTED and the time until
 * the next token.
 *
 * @example
 * ```ts
 * const limit: RateLimitOptions = { capacity: 20, refillPerSecond: 5, key: 'principal' }; // 20 at once, then 5 a second
 * ```
 */
export interface RateLimitOptions {
  /** The most calls at once: the bucket's size, a whole number of 1 or more. A bucket starts full. */
  readonly capacity: number;
  /** Tokens added a second, above 0 (0.5: one every 2 s). */
  readonly refillPerSecond: number;
  /** Whose budget a call spends; default `'principal'`. */
  readonly key?: RateLimitKey;
  /**
   * The budget's name: limits with the same name share one budget across methods (they must agree on `capacity` and
   * `refillPerSecond`); default: the method's path, so each method has its own.
   */
  readonly bucket?: string;
}

/** A limit checked and ready to run: what the interceptor of one method holds. */
export interface ResolvedLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** `principal`, `peer`, `method` or `custom` (a function). */
  readonly keyKind: string;
  readonly keyOf: (ctx: CallContext) => string;
  /** The budget's name. */
  readonly bucket: string;
  /** Where the limit was declared, for messages: `@RateLimit on OrdersService.placeOrder`, `ratelimit.defaultLimit`, … */
  readonly source: string;
}

/**
 * Checks a limit and returns the problem in words, or undefined when it is good.
 *
 * @example
 * ```ts
 * limitProblem({ capacity: 0, refillPerSecond: 1 }); // 'capacity must be a whole number of 1 or more, got 0'
 * ```
 */
export function limitProblem(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return `a limit is an object { capacity, refillPerSecond, key? }, got ${typeof options}`;
  const { capacity, refillPerSecond, key, bucket } = options as Record<string, unknown>;
  if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 1) {
    return `capacity must be a whole number of 1 or more, got ${show(capacity)}`;
  }
  if (typeof refillPerSecond !== 'number' || !Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
    return `refillPerSecond must be a number above 0 (0.5 is one call every 2 s), got ${show(refillPerSecond)}`;
  }
  if (key !== undefined && typeof key !== 'function' && !(KEY_KINDS as readonly unknown[]).includes(key)) {
    return `key must be 'principal', 'peer', 'method' or a function (ctx) => string, got ${show(key)}`;
  }
  if (bucket !== undefined && (typeof bucket !== 'string' || bucket.trim() === '')) return `bucket must be a non-empty string, got ${show(bucket)}`;
  return undefined;
}

/**
 * {@link limitProblem} as a start-up refusal (`ERR_CONFIG_INVALID`) naming where the limit is and how to fix it.
 *
 * @example
 * ```ts
 * checkLimit(options, '@RateLimit on OrdersService.placeOrder', 'e.g. @RateLimit({ capacity: 10, refillPerSecond: 1 })');
 * ```
 */
export function checkLimit(options: unknown, where: string, fix: string): asserts options is RateLimitOptions {
  const problem = limitProblem(options);
  if (problem !== undefined) throw new RampartError('ERR_CONFIG_INVALID', `${where}: ${problem}. Fix: ${fix}`);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}
