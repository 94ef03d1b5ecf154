import { loadSync, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import { findProtoFiles } from '@rampart/codegen/internal';
import { RampartError } from '@rampart/core';

/** Where the app's `.proto` files are. */
export interface ProtoSource {
  /** The folder proto files and their imports are relative to. */
  readonly root: string;
  /** Files to load, relative to `root`; default: every `.proto` below it. */
  readonly files?: readonly string[];
}

/** The loaded protos: the package definition (also served by reflection) and service lookup. */
export interface ProtoRegistry {
  readonly packageDefinition: PackageDefinition;
  service(typeName: string): ServiceDefinition;
}

/** Loads proto files with the loader options the generated types were made with. */
export function loadProtos(source: ProtoSource): ProtoRegistry {
  let files: readonly string[];
  let packageDefinition: PackageDefinition;
  try {
    files = source.files ?? findProtoFiles(source.root);
    packageDefinition = loadSync([...files], { ...PROTO_LOADER_OPTIONS, includeDirs: [source.root] });
  } catch (cause) {
    throw new RampartError('ERR_SERVICE_DEFINITION', `could not load protos from ${source.root}: ${String(cause)}`, {
      cause,
    });
  }
  return {
    packageDefinition,
    service(typeName) {
      const found = packageDefinition[typeName];
      if (!found || 'format' in found || !isServiceDefinition(found)) {
        const known = Object.entries(packageDefinition)
          .filter(([, v]) => !('format' in v) && isServiceDefinition(v))
          .map(([k]) => k);
        throw new RampartError(
          'ERR_SERVICE_DEFINITION',
          `service ${typeName} is not declared in the protos below ${source.root} (known: ${known.join(', ') || 'none'})`,
        );
      }
      return found;
    },
  };
}

function isServiceDefinition(value: object): value is ServiceDefinition {
  const first = Object.values(value)[0] as { path?: unknown } | undefined;
  return typeof first?.path === 'string';
}
