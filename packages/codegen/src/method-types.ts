import type { MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/** A method's request and response message types, fully qualified (`rampart.demo.orders.v1.PlaceOrderRequest`). */
export interface MethodMessageTypes {
  readonly requestType: string;
  readonly responseType: string;
}

interface DecodedFile {
  readonly package?: string;
  readonly service?: readonly { readonly name: string; readonly method?: readonly { name: string; inputType: string; outputType: string }[] }[];
}

/**
 * The message types of every method of a package definition, by the method's HTTP/2 path. proto-loader's method
 * definitions name their types only by short name, so this reads the file descriptors it keeps with every message
 * type (each definition holds all of them), once.
 */
export function methodMessageTypes(definition: PackageDefinition): ReadonlyMap<string, MethodMessageTypes> {
  const types = new Map<string, MethodMessageTypes>();
  const withFiles = Object.values(definition).find((value): value is MessageTypeDefinition<object, object> => 'format' in value && 'fileDescriptorProtos' in value);
  for (const bytes of withFiles?.fileDescriptorProtos ?? []) {
    const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as DecodedFile;
    const prefix = file.package ? `${file.package}.` : '';
    for (const service of file.service ?? []) {
      for (const method of service.method ?? []) {
        types.set(`/${prefix}${service.name}/${method.name}`, {
          requestType: method.inputType.replace(/^\./, ''),
          responseType: method.outputType.replace(/^\./, ''),
        });
      }
    }
  }
  return types;
}
