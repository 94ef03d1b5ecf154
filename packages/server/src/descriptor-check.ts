import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import type { MethodKind, ServiceDescriptor } from '@rampart/core';

/** The call kind of a loaded method. */
export function kindOf(method: MethodDefinition<unknown, unknown>): MethodKind {
  if (method.requestStream) return method.responseStream ? 'bidi' : 'clientStream';
  return method.responseStream ? 'serverStream' : 'unary';
}

/**
 * How a service's descriptor (generated, or written by hand) differs from the service its `.proto` declares, as one
 * line for the start-up problems; `undefined` when they agree on every RPC's name, path and call kind. They differ
 * when the generated code is older or newer than the `.proto` the app loads: the compiler checked the handlers
 * against the descriptor, so serving the `.proto` anyway would serve RPCs nothing was checked for.
 *
 * @example
 * ```ts
 * descriptorMismatch(InventoryServiceDescriptor, protos.service('rampart.demo.inventory.v1.InventoryService')); // undefined
 * ```
 */
export function descriptorMismatch(descriptor: ServiceDescriptor, definition: ServiceDefinition): string | undefined {
  const differences: string[] = [];
  const described = new Map(Object.values(descriptor.methods).map((m) => [m.name, m]));
  for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    const entry = described.get(name);
    if (entry === undefined) {
      differences.push(`rpc ${name} is missing from the descriptor`);
      continue;
    }
    described.delete(name);
    if (entry.path !== method.path) differences.push(`rpc ${name} has path ${method.path}, the descriptor says ${entry.path}`);
    const kind = kindOf(method);
    if (entry.kind !== kind) differences.push(`rpc ${name} is ${kind}, the descriptor says ${entry.kind}`);
  }
  for (const name of described.keys()) differences.push(`the descriptor has rpc ${name}, the .proto does not`);
  if (differences.length === 0) return undefined;
  return (
    `the descriptor of ${descriptor.typeName} does not match its .proto (${differences.join('; ')}): regenerate the ` +
    `code from the .proto the app loads (pnpm generate), or correct a descriptor written by hand`
  );
}
