import { PUBLIC_DECISION, readClassDecisions, readMethodDecisions, type AuthDecision } from './auth-decision.js';
import { classChain, declaresMethod, type AnyClass } from './class-chain.js';
import { RampartError } from './errors.js';

/**
 * The decisions that apply to one handler method of a service class. The rule (ADR 0020, docs/security/tokens.md):
 *
 * 1. **Each class of the inheritance chain is a level**, and the levels add up: the class-level decisions of the
 *    class and of every base class apply to every method it serves, and a method's decisions on a base class apply
 *    to every override of it. A subclass adds checks; it never removes one. Several rules of one kind all apply
 *    (every `@RequireMtls` must pass, every `@Authorize` policy must allow).
 * 2. **Within one class**, a method's decision replaces that class's class-level decision of the same kind, and a
 *    method's `@Public()` replaces all of that class's class-level decisions.
 * 3. **`@Public()` is never inherited by code it was not written on**: a base class's `@Public()` (on the class or
 *    on the method) does not reach a subclass's override of the method or a method the subclass adds. Such a method
 *    needs a decision of its own (`@Public()` again, if it is meant to be public).
 * 4. **`@Public()` next to any other decision that applies stops start-up** (`ERR_AUTH_CONFLICT`, naming the
 *    class, the method, where each was written and the fix), whether they are on one level or on different ones.
 *
 * Each returned decision carries `declaredOn` (`Base` for a class decorator, `Base.read` for a method's).
 *
 * @throws RampartError `ERR_AUTH_CONFLICT` for rule 4; `ERR_NO_AUTH_DECISION` when the method has no decision only
 *   because a base class's `@Public()` does not reach it (rule 3). A method with no decision at all returns `[]`.
 *
 * @example
 * ```ts
 * @RequireMtls({ allow: ['spiffe://demo.rampart.dev/orders'] })
 * class InventoryBase { ... }
 *
 * @GrpcService(InventoryServiceDescriptor)
 * @Authenticated({ scopes: ['inventory:read'] })
 * class InventoryService extends InventoryBase {
 *   @Authorize(BusinessHours)
 *   async reserve(req, ctx) { ... }
 * }
 *
 * effectiveDecisions(InventoryService, 'reserve').map((d) => `${d.kind} on ${d.declaredOn}`);
 * // ['mtls on InventoryBase', 'token on InventoryService', 'policy on InventoryService.reserve']
 * ```
 */
export function effectiveDecisions(serviceClass: AnyClass, handlerName: string): AuthDecision[] {
  const chain = classChain(serviceClass);
  let implementedAt = chain.length - 1;
  while (implementedAt > 0 && !declaresMethod(chain[implementedAt] as AnyClass, handlerName)) implementedAt--;
  if (!declaresMethod(chain[implementedAt] as AnyClass, handlerName)) implementedAt = chain.length - 1;

  const applied: AuthDecision[] = [];
  let unreachedPublic: string | undefined;
  chain.forEach((cls, index) => {
    const onClass = tagged(readClassDecisions(cls), cls.name);
    const onMethod = tagged(readMethodDecisions(cls, handlerName), `${cls.name}.${handlerName}`);
    refuseMixedPublic(serviceClass, handlerName, onClass);
    refuseMixedPublic(serviceClass, handlerName, onMethod);
    if (index >= implementedAt) {
      // The class whose method runs, or a subclass that inherits it: its level covers this code.
      applied.push(...oneLevel(onClass, onMethod));
      return;
    }
    // A base class below the method that runs (which overrides or adds it): all but its @Public() still applies.
    const openedHere = onMethod.length > 0 ? isPublic(onMethod) : isPublic(onClass);
    if (openedHere) unreachedPublic ??= onMethod.length > 0 ? `${cls.name}.${handlerName}` : cls.name;
    applied.push(...oneLevel(withoutPublic(onClass), withoutPublic(onMethod)));
  });

  refuseMixedPublic(serviceClass, handlerName, applied);
  if (applied.length === 0 && unreachedPublic !== undefined) {
    const where = `${serviceClass.name}.${handlerName}`;
    const implementer = (chain[implementedAt] as AnyClass).name;
    throw new RampartError(
      'ERR_NO_AUTH_DECISION',
      `${where} has no auth decision: the @Public() on ${unreachedPublic} does not reach ${implementer}.${handlerName}, which ` +
        `${implementer} declares itself (@Public() is not inherited by an override or a new method); mark ` +
        `${implementer}.${handlerName} @Public() if it is meant to be public, or give it a decision`,
    );
  }
  return applied;
}

/** One class's decisions for the method: its method decisions replace its class decisions of the same kind. */
function oneLevel(onClass: readonly AuthDecision[], onMethod: readonly AuthDecision[]): AuthDecision[] {
  if (onMethod.length === 0) return [...onClass];
  if (isPublic(onMethod)) return [...onMethod];
  const replaced = new Set(onMethod.map((d) => d.kind));
  return [...onClass.filter((d) => d.kind !== PUBLIC_DECISION && !replaced.has(d.kind)), ...onMethod];
}

function tagged(decisions: readonly AuthDecision[], declaredOn: string): AuthDecision[] {
  return decisions.map((d) => ({ kind: d.kind, options: d.options, declaredOn }));
}

function isPublic(decisions: readonly AuthDecision[]): boolean {
  return decisions.some((d) => d.kind === PUBLIC_DECISION);
}

function withoutPublic(decisions: readonly AuthDecision[]): AuthDecision[] {
  return decisions.filter((d) => d.kind !== PUBLIC_DECISION);
}

function refuseMixedPublic(serviceClass: AnyClass, handlerName: string, decisions: readonly AuthDecision[]): void {
  const opened = decisions.filter((d) => d.kind === PUBLIC_DECISION);
  const others = decisions.filter((d) => d.kind !== PUBLIC_DECISION);
  if (opened.length === 0 || others.length === 0) return;
  const places = (list: readonly AuthDecision[]): string[] => [...new Set(list.map((d) => d.declaredOn ?? '?'))];
  const requires = others.map((d) => `${d.kind} (on ${d.declaredOn ?? '?'})`).join(', ');
  throw new RampartError(
    'ERR_AUTH_CONFLICT',
    `${serviceClass.name}.${handlerName} is marked @Public() (on ${places(opened).join(', ')}) and also requires ${requires}: ` +
      'a method is either public or protected, and decisions add up along the class chain; remove @Public() from ' +
      `${places(opened).join(' and ')}, or remove the other decisions`,
  );
}
