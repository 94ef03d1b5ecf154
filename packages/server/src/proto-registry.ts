import { loadSync, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '@rampart/codegen';
import { findProtoFiles, methodMessageTypes, type MethodMessageTypes } from '@rampart/codegen/internal';
import { RampartError, type ProtoFiles } from '@rampart/core';

/** Where the app's `.proto` files are. */
export interface ProtoSource {
  /** The folder proto files and their imports are relative to. */
  readonly root: string;
  /** Files to load, relative to `root`; default: every `.proto` below it. */
  readonly files?: readonly string[];
  /**
   * More folders imports are looked up in, after `root`; their files are loaded only when imported. E.g.
   * `[VALIDATE_PROTO_DIR]` from `@rampart/plugin-validate` for `import "buf/validate/validate.proto"`.
   */
  readonly includeDirs?: readonly string[];
}

/** The loaded protos: the package definition (also served by reflection) and service lookup. */
export interface ProtoRegistry {
  readonly packageDefinition: PackageDefinition;
  /** The files loaded, where from. */
  readonly files: ProtoFiles;
  service(typeName: string): ServiceDefinition;
  /** The request and response types of the method at `path` (`/package.Service/Method`), fully qualified. */
  messageTypes(path: string): MethodMessageTypes;
}

/** Loads proto files with the loader options the generated types were made with. */
export function loadProtos(source: ProtoSource): ProtoRegistry {
  let files: readonly string[];
  let packageDefinition: PackageDefinition;
  const includeDirs = [...(source.includeDirs ?? [])];
  try {
    files = source.files ?? findProtoFiles(source.root);
    packageDefinition = loadSync([...files], { ...PROTO_LOADER_OPTIONS, includeDirs: [source.root, ...includeDirs] });
  } catch (cause) {
    // The one import a plugin provides: say where it is.
    const hint = String(cause).includes('buf/validate/validate.proto')
      ? ' (buf/validate/validate.proto comes with @rampart/plugin-validate: add its VALIDATE_PROTO_DIR to protos.includeDirs)'
      : '';
    throw new RampartError('ERR_SERVICE_DEFINITION', `could not load protos from ${source.root}: ${String(cause)}${hint}`, { cause });
  }
  let types: ReadonlyMap<string, MethodMessageTypes> | undefined;
  return {
    packageDefinition,
    files: { root: source.root, files: [...files], includeDirs },
    messageTypes(path) {
      types ??= methodMessageTypes(packageDefinition);
      const found = types.get(path);
      if (found === undefined) throw new RampartError('ERR_SERVICE_DEFINITION', `rpc ${path} is not in the file descriptors of ${source.root}`);
      return found;
    },
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
