import 'reflect-metadata';
import { classChain, implementingClass, type AnyClass } from './class-chain.js';
import { RampartError } from './errors.js';
import { METADATA } from './metadata-keys.js';

/** What `@GrpcService` records. */
export interface ServiceMetadata {
  /** The fully qualified gRPC service name, e.g. `rampart.demo.inventory.v1.InventoryService`. */
  readonly typeName: string;
}

/**
 * Marks a class as the implementation of a gRPC service. Only records metadata; `createApp` reads it at start-up.
 * Handler methods are matched to RPCs by name: `WatchStock` is served by `watchStock` (or `WatchStock`), unless a
 * method says otherwise with {@link GrpcMethod}.
 *
 * @example
 * ```ts
 * @GrpcService('rampart.demo.inventory.v1.InventoryService')
 * @Public()
 * export class InventoryService implements InventoryServiceHandlers { ... }
 * ```
 */
export function GrpcService(typeName: string): ClassDecorator {
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(typeName)) {
    throw new TypeError(`@GrpcService("${typeName}"): expected a fully qualified name such as "acme.v1.Greeter"`);
  }
  return (target) => {
    Reflect.defineMetadata(METADATA.service, { typeName } satisfies ServiceMetadata, target);
  };
}

/**
 * Serves the named RPC with this method when the names do not match by convention. A base class's mappings apply
 * to its subclasses (an override of the mapped method serves the RPC); a subclass that maps an RPC its base class
 * serves to another method stops start-up, since the base method's auth decisions would no longer apply.
 *
 * @example
 * ```ts
 * @GrpcMethod('WatchStock')
 * async *streamStockLevels(req: WatchRequest, ctx: CallContext) { ... }
 * ```
 */
export function GrpcMethod(rpcName: string): MethodDecorator {
  return (target, propertyKey) => {
    const map = new Map(
      (Reflect.getOwnMetadata(METADATA.methodNames, target) as Map<string, string | symbol> | undefined) ?? [],
    );
    map.set(rpcName, propertyKey);
    Reflect.defineMetadata(METADATA.methodNames, map, target);
  };
}

/** Reads `@GrpcService` metadata, or `undefined` for an undecorated class. */
export function readServiceMetadata(serviceClass: AnyClass): ServiceMetadata | undefined {
  return Reflect.getMetadata(METADATA.service, serviceClass) as ServiceMetadata | undefined;
}

/**
 * The property that serves an RPC on a class: an explicit `@GrpcMethod` mapping (the class's own or a base class's;
 * the nearest class wins for one RPC), else `lowerCamel(rpcName)`, else `rpcName` itself, else `undefined`. Only
 * methods of the class and its base classes count, never what every object inherits from `Object.prototype`
 * (`toString`, `valueOf`, `hasOwnProperty`, `constructor`, …): an RPC named `ToString` is served only by a class
 * that implements `toString` itself or maps it with `@GrpcMethod('ToString')`.
 *
 * @throws RampartError `ERR_SERVICE_DEFINITION` when a subclass would serve the RPC with another method than its
 *   base class does (through `@GrpcMethod`, or a method named closer to the RPC's name): the base method's auth
 *   decisions would silently stop applying to the RPC. Override the base method instead.
 *
 * @example
 * ```ts
 * resolveHandlerName(InventoryService, 'WatchStock'); // 'watchStock'
 * resolveHandlerName(InventoryService, 'ToString'); // undefined, unless the class declares toString()
 * ```
 */
export function resolveHandlerName(serviceClass: AnyClass, rpcName: string): string | undefined {
  const served = handlerIn(serviceClass, rpcName);
  for (const base of classChain(serviceClass).slice(0, -1)) {
    const inBase = handlerIn(base, rpcName);
    if (inBase !== undefined && inBase !== served) {
      throw new RampartError(
        'ERR_SERVICE_DEFINITION',
        `${serviceClass.name} serves rpc ${rpcName} with ${served ?? 'nothing'}, but its base class ${base.name} serves it ` +
          `with ${inBase}, whose auth decisions would then no longer apply: override ${inBase} in ${serviceClass.name} ` +
          'instead of serving the rpc with another method',
      );
    }
  }
  return served;
}

/** How one class (with its bases) resolves the RPC, without looking at what its bases would resolve. */
function handlerIn(cls: AnyClass, rpcName: string): string | undefined {
  const explicit = explicitMappings(cls).get(rpcName);
  if (explicit !== undefined) return typeof explicit === 'string' && hasMethod(cls, explicit) ? explicit : undefined;
  const camel = rpcName.charAt(0).toLowerCase() + rpcName.slice(1);
  if (hasMethod(cls, camel)) return camel;
  if (hasMethod(cls, rpcName)) return rpcName;
  return undefined;
}

/** The `@GrpcMethod` mappings of the class and its bases, a subclass's mapping of an RPC replacing its base's. */
function explicitMappings(cls: AnyClass): Map<string, string | symbol> {
  const merged = new Map<string, string | symbol>();
  for (const level of classChain(cls)) {
    const own = Reflect.getOwnMetadata(METADATA.methodNames, level.prototype as object) as
      | Map<string, string | symbol>
      | undefined;
    for (const [rpc, property] of own ?? []) merged.set(rpc, property);
  }
  return merged;
}

function hasMethod(cls: AnyClass, name: string): boolean {
  return implementingClass(cls, name) !== undefined;
}
