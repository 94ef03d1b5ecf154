import 'reflect-metadata';
import type { AnyClass } from './class-chain.js';
import { METADATA } from './metadata-keys.js';

/**
 * A statement about how a method is protected, recorded by a decorator (`@Public()`, `@RequireMtls()`,
 * `@Authenticated()`, `@Authorize()`, or a plugin's own). Every method must end up with at least one, or the app
 * refuses to start (default deny), and every kind must be enforced by an interceptor, or the app refuses to start
 * (no decorator is silently ignored).
 */
export interface AuthDecision<O = unknown> {
  /** `public`, `mtls`, `token`, `policy`, or a plugin's own kind. */
  readonly kind: string;
  readonly options: O;
  /**
   * Where the decision was written, e.g. `InventoryService` (on the class) or `InventoryService.reserve` (on a
   * method). Set on the decisions `effectiveDecisions` returns, for error messages and the auth matrix; the
   * decorators leave it out.
   */
  readonly declaredOn?: string;
}

/** The kind recorded by `@Public()`. */
export const PUBLIC_DECISION = 'public';

/**
 * A decorator that records an auth decision, on a class or a method; what `authDecisionDecorator` builds, and what
 * `implementService` takes as a value.
 */
export type DecisionDecorator = <T>(
  target: object,
  propertyKey?: string | symbol,
  descriptor?: TypedPropertyDescriptor<T>,
) => void;

/**
 * Builds a decorator usable on a class or a method that records an auth decision. Other packages build their
 * decorators with it.
 *
 * @example
 * ```ts
 * export const RequireTenant = (claim: string) => authDecisionDecorator({ kind: 'tenant', options: { claim } });
 * ```
 */
export function authDecisionDecorator(decision: AuthDecision): DecisionDecorator {
  // Decorators apply bottom-up; prepending keeps the list in source order.
  return (target: object, propertyKey?: string | symbol) => {
    if (propertyKey === undefined) {
      const list = (Reflect.getOwnMetadata(METADATA.authDecisions, target) as AuthDecision[] | undefined) ?? [];
      Reflect.defineMetadata(METADATA.authDecisions, [decision, ...list], target);
    } else {
      const list =
        (Reflect.getOwnMetadata(METADATA.authDecisions, target, propertyKey) as AuthDecision[] | undefined) ?? [];
      Reflect.defineMetadata(METADATA.authDecisions, [decision, ...list], target, propertyKey);
    }
  };
}

/**
 * Marks a class or method as reachable without any credentials. Use sparingly: health checks and truly public
 * data. On a method it replaces the decisions of its own class. It is never inherited by code it was not written
 * on (a subclass's override of the method, or a method a subclass adds), and it cannot be combined with any other
 * decision that applies to the method, on the same class or any class of its inheritance chain: that stops
 * start-up (`ERR_AUTH_CONFLICT`). See `effectiveDecisions`.
 *
 * @example
 * ```ts
 * @Public()
 * async ping(): Promise<Pong> { return { ok: true }; }
 * ```
 */
export function Public(): DecisionDecorator {
  return authDecisionDecorator({ kind: PUBLIC_DECISION, options: {} });
}

/**
 * The decisions written on the class itself with a class decorator, not those of its base classes (see
 * {@link effectiveDecisions} for how the levels add up).
 *
 * @example
 * ```ts
 * readClassDecisions(InventoryService); // [{ kind: 'mtls', options: { ... } }]
 * ```
 */
export function readClassDecisions(cls: AnyClass): AuthDecision[] {
  return (Reflect.getOwnMetadata(METADATA.authDecisions, cls) as AuthDecision[] | undefined) ?? [];
}

/**
 * The decisions written on one method of the class itself, not on the same method of a base class (see
 * {@link effectiveDecisions} for how the levels add up).
 *
 * @example
 * ```ts
 * readMethodDecisions(InventoryService, 'reserve'); // [{ kind: 'token', options: { scopes: [...] } }]
 * ```
 */
export function readMethodDecisions(cls: AnyClass, handlerName: string): AuthDecision[] {
  const prototype = cls.prototype as object | undefined;
  if (prototype === undefined || prototype === null) return [];
  return (Reflect.getOwnMetadata(METADATA.authDecisions, prototype, handlerName) as AuthDecision[] | undefined) ?? [];
}
