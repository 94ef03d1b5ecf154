import { resolve } from 'node:path';
import { loadSync, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import { RampartError, type ServiceDescriptor } from '@rampart/core';

/** Loaded package definitions by proto root and file: a file is parsed once per process, however many clients use it. */
const loaded = new Map<string, PackageDefinition>();

/**
 * The service definition of a generated descriptor, loaded from `protoRoot` with the loader options the generated
 * types were made with. The proto file is loaded once per process (per root and file) and shared by every client
 * of its services: N clients of one service load it once. A file changed on disk later is not re-read.
 *
 * @throws RampartError `ERR_SERVICE_DEFINITION` when the file cannot be loaded or does not declare the service.
 *
 * @example
 * ```ts
 * const definition = serviceDefinitionOf(InventoryServiceDescriptor, PROTO_ROOT);
 * definition['GetStock']?.path; // '/rampart.demo.inventory.v1.InventoryService/GetStock'
 * ```
 */
export function serviceDefinitionOf(descriptor: ServiceDescriptor, protoRoot: string, includeDirs: readonly string[] = []): ServiceDefinition {
  const key = [protoRoot, ...includeDirs].map((dir) => resolve(dir)).concat(descriptor.protoFile).join('\0');
  let definitions = loaded.get(key);
  if (definitions === undefined) {
    try {
      definitions = loadSync(descriptor.protoFile, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot, ...includeDirs] });
    } catch (cause) {
      throw new RampartError('ERR_SERVICE_DEFINITION', `could not load ${descriptor.protoFile} from ${protoRoot}: ${String(cause)}`, { cause });
    }
    loaded.set(key, definitions);
  }
  const definition = definitions[descriptor.typeName] as ServiceDefinition | undefined;
  if (!definition) throw new RampartError('ERR_SERVICE_DEFINITION', `${descriptor.typeName} is not declared in ${descriptor.protoFile}`);
  return definition;
}
