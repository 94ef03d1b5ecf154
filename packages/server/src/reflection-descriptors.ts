import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * The package definition reduced to one entry per distinct set of file descriptors, for `@grpc/reflection`.
 *
 * proto-loader gives every message, enum and service of a load the same array of encoded `FileDescriptorProto`s,
 * and `ReflectionService` decodes that array once per entry (twice: for v1 and v1alpha) before it drops the
 * duplicates by file name. With `buf/validate/validate.proto` and `google/protobuf/*` loaded that is hundreds of
 * decodes of the same bytes: about 250 ms of start-up for the sample inventory app, for a reflection index that
 * comes out identical from a single entry per array (the same files, in the same order).
 *
 * @example
 * ```ts
 * new ReflectionService(reflectionDescriptors(protos.packageDefinition), { services });
 * ```
 */
export function reflectionDescriptors(packageDefinition: PackageDefinition): PackageDefinition {
  const seen = new Set<unknown>();
  const reduced: PackageDefinition = {};
  for (const [name, entry] of Object.entries(packageDefinition)) {
    const files = (entry as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
    if (!Array.isArray(files) || seen.has(files)) continue;
    seen.add(files);
    reduced[name] = entry;
  }
  return reduced;
}
