import { create, createFileRegistry, fromBinary, hasOption, setExtension, type DescFile, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import * as wkt from '@bufbuild/protobuf/wkt';
import {
  field as fieldRules,
  FieldRulesSchema,
  file_buf_validate_validate,
  message as messageRules,
  MessageRulesSchema,
  oneof as oneofRules,
  OneofRulesSchema,
} from '@bufbuild/protovalidate/gen/buf/validate/validate_pb.js';
import { RampartError, type ProtoFiles } from '@rampart/core';
import { resolveProtoImport } from '@rampart/codegen/internal';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import descriptorExtension from 'protobufjs/ext/descriptor/index.js';
import { parsedOption } from './parsed-rules.js';
import { ruleMessage } from './rule-messages.js';
import { checkRuleSource } from './rule-source-check.js';

const WELL_KNOWN_FILES: readonly DescFile[] = [
  wkt.file_google_protobuf_any,
  wkt.file_google_protobuf_duration,
  wkt.file_google_protobuf_timestamp,
  wkt.file_google_protobuf_struct,
  wkt.file_google_protobuf_wrappers,
  wkt.file_google_protobuf_empty,
  wkt.file_google_protobuf_field_mask,
  wkt.file_google_protobuf_descriptor,
];

/**
 * The app's message types as protobuf-es descriptors, with the `buf.validate` rules of their `.proto` files on them:
 * what protovalidate evaluates. protobufjs parses the files (as proto-loader does) and keeps each option it read;
 * its descriptors leave custom options out, so the rules are put back from what it parsed. protobufjs names its
 * descriptor files by package, so `buf.validate` and `google.protobuf` are taken from protovalidate and protobuf-es
 * instead, the same types under their real names.
 *
 * @throws RampartError `ERR_SERVICE_DEFINITION` for protos that do not load, or a rule protobuf-es cannot read.
 */
export function loadRuleRegistry(protos: ProtoFiles): FileRegistry {
  const root = new protobuf.Root();
  const dirs = [protos.root, ...protos.includeDirs].map((dir) => resolve(dir));
  root.resolvePath = (_origin, target) => resolveProtoImport(dirs, target);
  let set: wkt.FileDescriptorSet;
  try {
    root.loadSync(
      protos.files.map((file) => join(dirs[0] ?? '.', file)),
      { keepCase: true },
    );
    root.resolveAll();
    for (const file of root.files) if (!isBundled(file)) checkRuleSource(file);
    set = fromBinary(wkt.FileDescriptorSetSchema, descriptorExtension.FileDescriptorSet.encode(toDescriptor(root)).finish());
  } catch (cause) {
    if (cause instanceof RampartError) throw cause;
    throw new RampartError('ERR_SERVICE_DEFINITION', `could not read the validation rules of the protos below ${protos.root}: ${String(cause)}`, { cause });
  }
  const own = set.file.filter((file) => file.package !== 'buf.validate' && file.package !== 'google.protobuf');
  own.forEach((file, index) => {
    const ns = file.package === '' ? root : root.lookup(file.package);
    addRules(root, file.messageType, file.package === '' ? '' : `${file.package}.`);
    qualifyExtensions(file.extension, ns);
    // protobufjs names its files by package: `a.b` and `a_b` would both be a_b.proto. Names of our own, unique.
    file.name = `rampart-validate/${index}/${file.name}`;
  });
  linkFiles(own);
  const files = new Map<string, wkt.FileDescriptorProto | DescFile>(own.map((file) => [file.name, file]));
  for (const known of [...WELL_KNOWN_FILES, file_buf_validate_validate]) files.set(known.proto.name, known);
  const top = create(wkt.FileDescriptorProtoSchema, { name: '(rampart-validate)', dependency: own.map((file) => file.name) });
  try {
    return createFileRegistry(top, (name) => files.get(name));
  } catch (cause) {
    throw new RampartError('ERR_SERVICE_DEFINITION', `could not read the message types of the protos below ${protos.root}: ${String(cause)}`, { cause });
  }
}

/**
 * protobufjs's descriptor files (one per package) list no imports; protobuf-es resolves a type only through them.
 * Each file gets the well-known types, protovalidate's file and the other packages whose types its fields use.
 *
 * @throws RampartError for packages that use each other's types (a cycle files cannot express).
 */
function linkFiles(own: readonly wkt.FileDescriptorProto[]): void {
  const packageOf = (typeName: string): wkt.FileDescriptorProto | undefined =>
    own.filter((file) => typeName.startsWith(`.${file.package}.`)).sort((a, b) => b.package.length - a.package.length)[0];
  const uses = new Map(own.map((file) => [file, new Set<wkt.FileDescriptorProto>()]));
  for (const file of own) {
    for (const typeName of fieldTypeNames(file.messageType)) {
      const user = packageOf(typeName);
      if (user !== undefined && user !== file) uses.get(file)?.add(user);
    }
  }
  const visiting = new Set<wkt.FileDescriptorProto>();
  const visit = (file: wkt.FileDescriptorProto, done: Set<wkt.FileDescriptorProto>): void => {
    if (done.has(file)) return;
    if (visiting.has(file)) {
      throw new RampartError('ERR_SERVICE_DEFINITION', `packages ${[...visiting].map((f) => f.package).join(', ')} use each other's types in a cycle, which rampart-validate cannot read`);
    }
    visiting.add(file);
    for (const used of uses.get(file) ?? []) visit(used, done);
    visiting.delete(file);
    done.add(file);
  };
  const done = new Set<wkt.FileDescriptorProto>();
  for (const file of own) visit(file, done);
  for (const file of own) {
    file.dependency = [...WELL_KNOWN_FILES.map((known) => known.proto.name), file_buf_validate_validate.proto.name, ...[...(uses.get(file) ?? [])].map((used) => used.name)];
  }
}

function* fieldTypeNames(messages: readonly wkt.DescriptorProto[]): Generator<string> {
  for (const message of messages) {
    for (const field of message.field) if (field.typeName !== '') yield field.typeName;
    yield* fieldTypeNames(message.nestedType);
  }
}

/** Puts the rules protobufjs parsed for each message, oneof and field back on its descriptor's options. */
function addRules(root: protobuf.Root, messages: readonly wkt.DescriptorProto[], prefix: string): void {
  for (const message of messages) {
    const typeName = `${prefix}${message.name}`;
    const type = root.lookupType(typeName);
    const where = (what: string): string => `${typeName}${what}`;
    const onMessage = parsedOption(type, '(buf.validate.message)');
    if (onMessage) {
      message.options ??= create(wkt.MessageOptionsSchema);
      setExtension(message.options, messageRules, read(where(''), () => ruleMessage(MessageRulesSchema, onMessage)));
    }
    for (const oneof of message.oneofDecl) {
      const onOneof = parsedOption(type.oneofs?.[oneof.name], '(buf.validate.oneof)');
      if (!onOneof) continue;
      oneof.options ??= create(wkt.OneofOptionsSchema);
      setExtension(oneof.options, oneofRules, read(where(`.${oneof.name}`), () => ruleMessage(OneofRulesSchema, onOneof)));
    }
    for (const field of message.field) {
      qualifyTypeName(typeName, field, type.fields[field.name]?.resolvedType, message.nestedType);
      const onField = parsedOption(type.fields[field.name], '(buf.validate.field)');
      if (!onField) continue;
      field.options ??= create(wkt.FieldOptionsSchema);
      setExtension(field.options, fieldRules, read(where(`.${field.name}`), () => ruleMessage(FieldRulesSchema, onField)));
    }
    qualifyExtensions(message.extension, type);
    addRules(root, message.nestedType.filter((nested) => !nested.options?.mapEntry), `${typeName}.`);
  }
}

/**
 * protobufjs writes a field's message or enum type as the `.proto` spelled it (`Line`); descriptors need it fully
 * qualified (`.rampart.test.validate.v1.Line`). A map field's type is its entry, which protobufjs names after the
 * field (`Line` for `map<…> line`, colliding with a message `Line`): it is named as protoc does (`LineEntry`), and
 * its value field qualified.
 */
function qualifyTypeName(
  messageName: string,
  field: wkt.FieldDescriptorProto,
  resolved: protobuf.Type | protobuf.Enum | null | undefined,
  nested: readonly wkt.DescriptorProto[],
): void {
  const entry = field.label === wkt.FieldDescriptorProto_Label.REPEATED ? nested.find((type) => type.options?.mapEntry && type.name === field.typeName) : undefined;
  if (entry !== undefined) {
    entry.name = `${field.name.replace(/(?:^|_)([a-z0-9])/g, (_m, c: string) => c.toUpperCase())}Entry`;
    field.typeName = `.${messageName}.${entry.name}`;
    const value = entry.field.find((f) => f.number === 2);
    if (value !== undefined && resolved) value.typeName = resolved.fullName;
    return;
  }
  if (resolved) field.typeName = resolved.fullName;
}

/** Extensions declared in a file or message, with their message or enum types qualified like fields'. */
function qualifyExtensions(extensions: readonly wkt.FieldDescriptorProto[], scope: protobuf.ReflectionObject | null): void {
  for (const extension of extensions) {
    if (extension.typeName === '' || extension.typeName.startsWith('.') || !(scope instanceof protobuf.Namespace)) continue;
    const resolved = scope.lookupTypeOrEnum(extension.typeName) as protobuf.Type | protobuf.Enum | null;
    if (resolved) extension.typeName = resolved.fullName;
  }
}

function read<T>(where: string, rules: () => T): T {
  try {
    return rules();
  } catch (cause) {
    throw new RampartError('ERR_SERVICE_DEFINITION', `the buf.validate rules of ${where} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Files Rampart does not check the source of: protovalidate's own and the well-known types. */
function isBundled(file: string): boolean {
  const path = file.split('\\').join('/');
  return path.endsWith('buf/validate/validate.proto') || path.startsWith('google/protobuf/') || path.includes('/google/protobuf/');
}

/** Whether `message` or any message reachable from its fields carries a rule: only then is it worth validating. */
export function hasRules(message: DescMessage, seen = new Set<string>()): boolean {
  if (seen.has(message.typeName)) return false;
  seen.add(message.typeName);
  if (hasOption(message, messageRules) || message.oneofs.some((oneof) => hasOption(oneof, oneofRules))) return true;
  for (const field of message.fields) {
    if (hasOption(field, fieldRules)) return true;
    const nested = field.fieldKind === 'list' || field.fieldKind === 'map' ? (field.message ?? undefined) : field.message;
    if (nested && hasRules(nested, seen)) return true;
  }
  return false;
}

/** protobufjs's descriptor extension adds `toDescriptor` to Root at run time; its types do not say so. */
function toDescriptor(root: protobuf.Root): protobuf.Message {
  return (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
}
