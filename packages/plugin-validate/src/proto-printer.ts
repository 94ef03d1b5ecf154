import type { DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { isFieldSet } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, FieldDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';

// The .proto source of a compiled file descriptor: its declarations (package, imports, messages, fields, oneofs,
// enums, extension and reserved ranges, extensions), without options or comments. Enough for protobufjs, buf and
// protoc to compile files that import it into the same wire format. Features the printer does not know stop it,
// so a descriptor that needs more fails loudly instead of printing something else.

const SCALARS: Partial<Record<Type, string>> = {
  [Type.DOUBLE]: 'double',
  [Type.FLOAT]: 'float',
  [Type.INT64]: 'int64',
  [Type.UINT64]: 'uint64',
  [Type.INT32]: 'int32',
  [Type.FIXED64]: 'fixed64',
  [Type.FIXED32]: 'fixed32',
  [Type.BOOL]: 'bool',
  [Type.STRING]: 'string',
  [Type.BYTES]: 'bytes',
  [Type.UINT32]: 'uint32',
  [Type.SFIXED32]: 'sfixed32',
  [Type.SFIXED64]: 'sfixed64',
  [Type.SINT32]: 'sint32',
  [Type.SINT64]: 'sint64',
};
/** Field numbers run to 2^29 - 1; a range's `end` is exclusive, so this end means `max`. */
const END_OF_FIELD_NUMBERS = 2 ** 29;

/** Prints `file` as `.proto` source, after `header` (comment lines, each without the leading `//`). */
export function printProtoFile(file: FileDescriptorProto, header: readonly string[]): string {
  if (file.syntax !== '' && file.syntax !== 'proto2' && file.syntax !== 'proto3') {
    throw new Error(`cannot print ${file.name}: syntax "${file.syntax}" (editions) is not supported`);
  }
  const syntax = file.syntax === 'proto3' ? 'proto3' : 'proto2';
  const out: string[] = [...header.map((line) => `//${line === '' ? '' : ` ${line}`}`), '', `syntax = "${syntax}";`, ''];
  if (file.package) out.push(`package ${file.package};`, '');
  for (const dependency of file.dependency) out.push(`import "${dependency}";`);
  if (file.dependency.length > 0) out.push('');
  for (const message of file.messageType) out.push(...printMessage(message, syntax, ''), '');
  for (const enumType of file.enumType) out.push(...printEnum(enumType, ''), '');
  out.push(...printExtensions(file.extension, syntax, ''));
  return `${out.join('\n').trimEnd()}\n`;
}

function printMessage(message: DescriptorProto, syntax: string, indent: string): string[] {
  const inner = `${indent}  `;
  const out = [`${indent}message ${message.name} {`];
  // Fields in declaration order; a oneof where its first field is.
  const printedOneofs = new Set<number>();
  for (const field of message.field) {
    const oneofIndex = oneofOf(field);
    if (oneofIndex === undefined) {
      out.push(`${inner}${printField(field, syntax, false)}`);
    } else if (!printedOneofs.has(oneofIndex)) {
      printedOneofs.add(oneofIndex);
      out.push(`${inner}oneof ${message.oneofDecl[oneofIndex]?.name ?? `oneof_${oneofIndex}`} {`);
      for (const member of message.field.filter((f) => oneofOf(f) === oneofIndex)) out.push(`${inner}  ${printField(member, syntax, true)}`);
      out.push(`${inner}}`);
    }
  }
  for (const nested of message.nestedType) {
    if (nested.options?.mapEntry) throw new Error(`cannot print ${message.name}.${nested.name}: map fields are not supported`);
    out.push(...printMessage(nested, syntax, inner));
  }
  for (const enumType of message.enumType) out.push(...printEnum(enumType, inner));
  for (const range of message.extensionRange) out.push(`${inner}extensions ${printRange(range.start, range.end)};`);
  if (message.reservedRange.length > 0) out.push(`${inner}reserved ${message.reservedRange.map((r) => printRange(r.start, r.end)).join(', ')};`);
  if (message.reservedName.length > 0) out.push(`${inner}reserved ${message.reservedName.map((name) => JSON.stringify(name)).join(', ')};`);
  out.push(...printExtensions(message.extension, syntax, inner));
  out.push(`${indent}}`);
  return out;
}

function printField(field: FieldDescriptorProto, syntax: string, inOneof: boolean): string {
  if (field.type === Type.GROUP) throw new Error(`cannot print field ${field.name}: groups are not supported`);
  if (isFieldSet(field, FieldDescriptorProtoSchema.field.defaultValue)) throw new Error(`cannot print field ${field.name}: default values are not supported`);
  const type = SCALARS[field.type] ?? field.typeName;
  if (!type) throw new Error(`cannot print field ${field.name}: it has no type`);
  let label = '';
  if (field.label === Label.REPEATED) label = 'repeated ';
  else if (field.label === Label.REQUIRED) label = 'required ';
  else if (!inOneof && (syntax === 'proto2' || field.proto3Optional)) label = 'optional ';
  return `${label}${type} ${field.name} = ${field.number};`;
}

/** The index of the (real) oneof a field is a member of; undefined for other fields and proto3 `optional` ones. */
function oneofOf(field: FieldDescriptorProto): number | undefined {
  return isFieldSet(field, FieldDescriptorProtoSchema.field.oneofIndex) && !field.proto3Optional ? field.oneofIndex : undefined;
}

function printEnum(enumType: EnumDescriptorProto, indent: string): string[] {
  return [`${indent}enum ${enumType.name} {`, ...enumType.value.map((value) => `${indent}  ${value.name} = ${value.number};`), `${indent}}`];
}

function printExtensions(extensions: readonly FieldDescriptorProto[], syntax: string, indent: string): string[] {
  const out: string[] = [];
  const byExtendee = new Map<string, FieldDescriptorProto[]>();
  for (const extension of extensions) byExtendee.set(extension.extendee, [...(byExtendee.get(extension.extendee) ?? []), extension]);
  for (const [extendee, fields] of byExtendee) {
    out.push(`${indent}extend ${extendee} {`, ...fields.map((field) => `${indent}  ${printField(field, syntax, false)}`), `${indent}}`);
  }
  return out;
}

function printRange(start: number, end: number): string {
  if (end >= END_OF_FIELD_NUMBERS) return `${start} to max`;
  return end - 1 === start ? `${start}` : `${start} to ${end - 1}`;
}
