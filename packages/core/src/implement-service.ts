import 'reflect-metadata';
import type { DecisionDecorator } from './auth-decision.js';
import { METADATA } from './metadata-keys.js';
import type { ServiceDescriptor, ServiceHandlers, ServiceShape } from './methods.js';
import { assertDescriptor, type ServiceMetadata } from './service-decorators.js';

/**
 * The auth decisions of a service served by a plain object: the decorators a class would carry, as values. The
 * rules are those of a class (docs/security/decisions.md): a method's decision replaces the service-wide decision of
 * the same kind, a method's `Public()` replaces all of them, and a method left with none stops start-up.
 */
export interface ServiceObjectAuth<S extends ServiceShape> {
  /** Decisions for every method, as class decorators: `[RequireMtls(), Authenticated({ scopes: ['read'] })]`. */
  readonly auth?: readonly DecisionDecorator[];
  /** Decisions for one method each, as method decorators: `{ reserve: [Authenticated({ scopes: ['write'] })] }`. */
  readonly methods?: { readonly [K in keyof S]?: readonly DecisionDecorator[] };
}

/**
 * Serves a service with a plain object instead of a decorated class, as connect's `router.service(desc, impl)`
 * does. The object is checked against the service's handlers type (each RPC's handler, by the name the descriptor
 * gives it, with its signature), and its auth decisions are given as values. Returns a service class for
 * `createApp`'s `services` whose construction yields the object itself: handlers run with `this` bound to it, and
 * the container injects nothing into it (close over what it needs). The class is named after the service
 * (`InventoryService`), which is how start-up errors and the auth matrix name its methods.
 *
 * @throws TypeError for something that is not a descriptor, an implementation that is not an object, a decision that
 *   is not a decorator, or `methods` naming a method the service does not have.
 *
 * @example
 * ```ts
 * const stock = implementService(
 *   InventoryServiceDescriptor,
 *   { getStock: (req) => repository.level(req.sku), ... },
 *   { auth: [RequireMtls()], methods: { reserve: [Authenticated({ scopes: ['inventory:reserve'] })] } },
 * );
 * await createApp({ name: 'inventory', services: [stock], protos: { root }, plugins: [rampartAuth()] });
 * ```
 */
export function implementService<S extends ServiceShape>(
  descriptor: ServiceDescriptor<S>,
  implementation: ServiceHandlers<S>,
  decisions: ServiceObjectAuth<S> = {},
): new () => ServiceHandlers<S> {
  assertDescriptor(descriptor, 'implementService');
  const where = `implementService(${descriptor.typeName})`;
  if (typeof implementation !== 'object' || implementation === null) {
    throw new TypeError(`${where}: the implementation must be an object with one handler per method, got ${typeof implementation}`);
  }
  const known = Object.keys(descriptor.methods);
  const perMethod = Object.entries<readonly DecisionDecorator[] | undefined>(decisions.methods ?? {});
  for (const [method] of perMethod) {
    if (!known.includes(method)) {
      throw new TypeError(`${where}: methods.${method} is not a method of the service (its methods: ${known.join(', ')})`);
    }
  }
  // A class in name only: the container constructs it, and construction returns the object itself.
  const service = class {
    constructor() {
      return implementation;
    }
  };
  Object.defineProperty(service, 'name', { value: descriptor.typeName.slice(descriptor.typeName.lastIndexOf('.') + 1) });
  Reflect.defineMetadata(METADATA.service, { descriptor, implementation } satisfies ServiceMetadata, service);
  // A decorator prepends its decision (decorators apply bottom-up): apply the list last to first to keep its order.
  for (const decorate of [...(decisions.auth ?? [])].reverse()) decorator(decorate, where)(service);
  for (const [method, list] of perMethod) {
    for (const decorate of [...(list ?? [])].reverse()) decorator(decorate, where)(service.prototype, method);
  }
  return service as unknown as new () => ServiceHandlers<S>;
}

function decorator(value: DecisionDecorator, where: string): DecisionDecorator {
  if (typeof value !== 'function') {
    throw new TypeError(`${where}: an auth decision must be a decorator such as RequireMtls() or Public(), got ${typeof value}`);
  }
  return value;
}
