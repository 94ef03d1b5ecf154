import 'reflect-metadata';
import { RampartError } from './errors.js';
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
}

/** The kind recorded by `@Public()`. */
export const PUBLIC_DECISION = 'public';

type DecisionDecorator = <T>(
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
 * data. On a method it overrides the class's decisions.
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

/** Decisions recorded on the class itself (inherited from base classes too). */
export function readClassDecisions(serviceClass: abstract new (...args: never[]) => unknown): AuthDecision[] {
  return (Reflect.getMetadata(METADATA.authDecisions, serviceClass) as AuthDecision[] | undefined) ?? [];
}

/** Decisions recorded on one handler method. */
export function readMethodDecisions(
  serviceClass: abstract new (...args: never[]) => unknown,
  handlerName: string,
): AuthDecision[] {
  return (
    (Reflect.getMetadata(METADATA.authDecisions, serviceClass.prototype as object, handlerName) as
      | AuthDecision[]
      | undefined) ?? []
  );
}

/**
 * The decisions that apply to a method: a method-level decision replaces the class-level decisions of the same
 * kind, and a method-level `@Public()` replaces them all. `@Public()` next to another decision on the same level
 * is a contradiction and throws `ERR_AUTH_CONFLICT`.
 *
 * @example
 * ```ts
 * effectiveDecisions(InventoryService, 'reserve'); // [{ kind: 'mtls', ... }, { kind: 'token', ... }]
 * ```
 */
export function effectiveDecisions(
  serviceClass: abstract new (...args: never[]) => unknown,
  handlerName: string,
): AuthDecision[] {
  const where = `${serviceClass.name}.${handlerName}`;
  const onMethod = readMethodDecisions(serviceClass, handlerName);
  const onClass = readClassDecisions(serviceClass);
  assertNoPublicConflict(onMethod, where);
  assertNoPublicConflict(onClass, serviceClass.name);
  if (onMethod.length === 0) return onClass;
  if (onMethod.some((d) => d.kind === PUBLIC_DECISION)) return onMethod;
  const overridden = new Set(onMethod.map((d) => d.kind));
  return [...onClass.filter((d) => d.kind !== PUBLIC_DECISION && !overridden.has(d.kind)), ...onMethod];
}

function assertNoPublicConflict(decisions: readonly AuthDecision[], where: string): void {
  if (decisions.length > 1 && decisions.some((d) => d.kind === PUBLIC_DECISION)) {
    const others = decisions.filter((d) => d.kind !== PUBLIC_DECISION).map((d) => d.kind);
    throw new RampartError(
      'ERR_AUTH_CONFLICT',
      `${where} is marked @Public() and also requires ${others.join(', ')}: remove one of them`,
    );
  }
}
