import protobuf from 'protobufjs';
import { join } from 'node:path';
import { resolveProtoImport } from './resolve-import.js';

/** One RPC as the generator sees it. */
export interface RpcModel {
  readonly name: string;
  readonly localName: string;
  readonly kind: 'unary' | 'serverStream' | 'clientStream' | 'bidi';
  readonly requestType: string;
  readonly responseType: string;
  readonly comment: string | null;
}

/** One service and the file that declares it. */
export interface ServiceModel {
  readonly typeName: string;
  readonly name: string;
  readonly file: string;
  readonly methods: readonly RpcModel[];
  readonly comment: string | null;
}

/** A message type and where `proto-loader-gen-types` writes it. */
export interface MessageModel {
  readonly typeName: string;
  readonly file: string;
  /** Path of the generated module below the types folder, without extension, e.g. `a/b/Outer`. */
  readonly module: string;
  /** The exported name in that module, e.g. `Outer_Inner`. */
  readonly exportName: string;
}

/** Everything declared by a set of proto files. */
export interface ProtoModel {
  readonly services: readonly ServiceModel[];
  readonly messages: ReadonlyMap<string, MessageModel>;
}

/** Parses `files` (relative to `protoRoot`) and their imports (looked up in `protoRoot`, then `includeDirs`). */
export function readProtoModel(protoRoot: string, files: readonly string[], includeDirs: readonly string[] = []): ProtoModel {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => resolveProtoImport([protoRoot, ...includeDirs], target);
  root.loadSync(files.map((f) => join(protoRoot, f)), { keepCase: false, alternateCommentMode: true });
  root.resolveAll();
  const services: ServiceModel[] = [];
  const messages = new Map<string, MessageModel>();
  const relativeFile = (filename: string | null): string =>
    (filename ?? '').startsWith(protoRoot) ? (filename ?? '').slice(protoRoot.length + 1).split('\\').join('/') : (filename ?? '');
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Service) {
        services.push({
          typeName: nested.fullName.slice(1),
          name: nested.name,
          file: relativeFile(nested.filename),
          comment: nested.comment,
          methods: nested.methodsArray.map((m) => ({
            name: m.name,
            localName: m.name.charAt(0).toLowerCase() + m.name.slice(1),
            kind: m.requestStream
              ? m.responseStream
                ? 'bidi'
                : 'clientStream'
              : m.responseStream
                ? 'serverStream'
                : 'unary',
            requestType: (m.resolvedRequestType as protobuf.Type).fullName.slice(1),
            responseType: (m.resolvedResponseType as protobuf.Type).fullName.slice(1),
            comment: m.comment,
          })),
        });
      } else if (nested instanceof protobuf.Type) {
        messages.set(nested.fullName.slice(1), messageModel(nested, relativeFile(nested.filename)));
        visit(nested);
      } else if (nested instanceof protobuf.Namespace) {
        visit(nested);
      }
    }
  };
  visit(root);
  return { services: services.sort((a, b) => a.typeName.localeCompare(b.typeName)), messages };
}

function messageModel(type: protobuf.Type, file: string): MessageModel {
  // proto-loader-gen-types writes a top-level message to <package path>/<Name>.ts and nested messages into their
  // outermost message's module as Outer_Inner.
  const names: string[] = [];
  let outer: protobuf.ReflectionObject = type;
  while (outer.parent instanceof protobuf.Type) {
    names.unshift(outer.name);
    outer = outer.parent;
  }
  names.unshift(outer.name);
  const packagePath = outer.fullName.slice(1).split('.').slice(0, -1);
  return {
    typeName: type.fullName.slice(1),
    file,
    module: [...packagePath, outer.name].join('/'),
    exportName: names.join('_'),
  };
}
