import { file_buf_validate_validate } from '@bufbuild/protovalidate/gen/buf/validate/validate_pb.js';
import { resolveProtoImport } from '@rampart/codegen/internal';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { VALIDATE_PROTO_DIR } from '../src/index.js';
import { validateProtoSource } from '../src/validate-proto.js';

const file = join(VALIDATE_PROTO_DIR, 'buf', 'validate', 'validate.proto');

/** name → "label type number" of every field of every message, and of every extension. */
function shapeOfProtobufjs(root: protobuf.Root): Record<string, string> {
  const shape: Record<string, string> = {};
  const ns = root.lookup('buf.validate') as protobuf.Namespace;
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const field of nested.fieldsArray) shape[`${nested.name}.${field.name}`] = `${field.repeated ? 'repeated' : 'single'} ${field.resolvedType?.fullName ?? field.type} ${field.id}`;
    } else if (nested instanceof protobuf.Field) {
      shape[`extend ${nested.extend?.replace(/^\./, '')}.${nested.name}`] = `single ${nested.resolvedType?.fullName ?? nested.type} ${nested.id}`;
    }
  }
  return shape;
}

function shapeOfEmbedded(): Record<string, string> {
  const shape: Record<string, string> = {};
  for (const message of file_buf_validate_validate.messages) {
    for (const field of message.fields) {
      const type = field.message ? `.${field.message.typeName}` : field.enum ? `.${field.enum.typeName}` : field.proto.type;
      shape[`${message.name}.${field.name}`] = `${field.fieldKind === 'list' ? 'repeated' : 'single'} ${typeof type === 'number' ? scalarName(field.proto.type) : type} ${field.number}`;
    }
  }
  for (const extension of file_buf_validate_validate.extensions) {
    shape[`extend ${extension.extendee.typeName}.${extension.name}`] = `single .${extension.message?.typeName} ${extension.number}`;
  }
  return shape;
}

const SCALAR_NAMES: Record<number, string> = { 1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64' };
const scalarName = (type: number): string => SCALAR_NAMES[type] ?? `type ${type}`;

describe('buf/validate/validate.proto as this package ships it', () => {
  it('is what the installed @bufbuild/protovalidate prints (run `pnpm --filter @rampart/plugin-validate proto` after upgrading it)', () => {
    expect(readFileSync(file, 'utf8')).toBe(validateProtoSource());
  });

  it('declares every message, field and extension of the embedded descriptor, with the same numbers and types', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => resolveProtoImport([VALIDATE_PROTO_DIR], target);
    root.loadSync(file, { keepCase: true }).resolveAll();
    const printed = shapeOfProtobufjs(root);
    const embedded = shapeOfEmbedded();
    expect(Object.keys(embedded).length).toBeGreaterThan(200);
    expect(printed).toEqual(embedded);
  });
});

describe('the copy the sample system keeps below its proto root (proto/buf/validate/validate.proto)', () => {
  it('is the same file', () => {
    const copy = fileURLToPath(new URL('../../../proto/buf/validate/validate.proto', import.meta.url));
    expect(readFileSync(copy, 'utf8')).toBe(validateProtoSource());
  });
});
