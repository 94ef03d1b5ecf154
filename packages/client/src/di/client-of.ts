import type { ServiceDescriptor, ServiceShape } from '@rampart/core';

/**
 * The DI token of the typed client for a service, bound by {@link rampartClients}.
 *
 * @example
 * ```ts
 * constructor(@inject(clientOf(InventoryServiceDescriptor)) private readonly inventory: InventoryServiceClient) {}
 * ```
 */
export function clientOf<S extends ServiceShape>(descriptor: ServiceDescriptor<S>): symbol {
  return Symbol.for(`rampart.client.${descriptor.typeName}`);
}
