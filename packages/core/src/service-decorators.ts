import 'reflect-metadata';
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
 * Serves the named RPC with this method when the names do not match by convention.
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
export function readServiceMetadata(serviceClass: abstract new (...args: never[]) => unknown): ServiceMetadata | undefined {
  return Reflect.getMetadata(METADATA.service, serviceClass) as ServiceMetadata | undefined;
}

/**
 * The property that serves an RPC on a class: an explicit `@GrpcMethod` mapping, else `lowerCamel(rpcName)`, else
 * `rpcName` itself, else `undefined`.
 */
export function resolveHandlerName(
  serviceClass: abstract new (...args: never[]) => unknown,
  rpcName: string,
): string | undefined {
  const proto = serviceClass.prototype as Record<string | symbol, unknown>;
  const explicit = (Reflect.getMetadata(METADATA.methodNames, proto) as Map<string, string | symbol> | undefined)?.get(
    rpcName,
  );
  if (explicit !== undefined) return typeof explicit === 'string' ? explicit : undefined;
  const camel = rpcName.charAt(0).toLowerCase() + rpcName.slice(1);
  if (typeof proto[camel] === 'function') return camel;
  if (typeof proto[rpcName] === 'function') return rpcName;
  return undefined;
}
