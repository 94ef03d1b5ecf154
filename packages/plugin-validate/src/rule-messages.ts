import { fromJson, ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import type { ParsedOption } from './parsed-rules.js';

const SIXTY_FOUR_BIT = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/**
 * A rule option parsed by protobufjs as the protovalidate message it stands for (`FieldRules`, `MessageRules`,
 * `OneofRules`), read by protobuf-es as JSON (which takes the `.proto` field names). protobufjs's values are
 * brought to what the text format means: a repeated value set once becomes a list; a `bytes` value is the bytes of
 * the string as written (JSON wants base64); a Duration or Timestamp written `{ seconds: 60 }` becomes `"60s"` or an
 * RFC 3339 time; `inf` and `nan` become JSON's `"Infinity"` and `"NaN"`. A 64-bit value protobufjs read as an
 * unsafe JavaScript number (beyond 2^53) is refused: it was rounded.
 *
 * @throws Error naming what cannot be read (an unknown rule, a value of the wrong type, a rounded 64-bit value).
 */
export function ruleMessage<Desc extends DescMessage>(schema: Desc, option: ParsedOption): MessageShape<Desc> {
  return fromJson(schema, asJson(schema, option));
}

function asJson(schema: DescMessage, option: ParsedOption): JsonObject {
  const json: JsonObject = {};
  for (const [key, value] of Object.entries(option)) {
    const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
    if (field === undefined) {
      json[key] = value as JsonValue; // fromJson names it
    } else if (field.fieldKind === 'list') {
      json[key] = (Array.isArray(value) ? value : [value]).map((item: unknown) => valueAsJson(field, item));
    } else {
      json[key] = valueAsJson(field, value);
    }
  }
  return json;
}

function valueAsJson(field: DescField, value: unknown): JsonValue {
  const message = field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message') ? field.message : undefined;
  if (message !== undefined && typeof value === 'object' && value !== null) {
    if (message.typeName === 'google.protobuf.Duration') return durationJson(value as ParsedOption);
    if (message.typeName === 'google.protobuf.Timestamp') return timestampJson(value as ParsedOption);
    return asJson(message, value as ParsedOption);
  }
  const scalar = field.fieldKind === 'scalar' ? field.scalar : field.fieldKind === 'list' ? field.scalar : undefined;
  if (scalar === ScalarType.BYTES && typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  if (typeof value === 'number') {
    if (scalar !== undefined && SIXTY_FOUR_BIT.has(scalar) && !Number.isSafeInteger(value)) {
      throw new Error(`${field.name} = ${String(value)} is beyond 2^53, which protobufjs cannot read exactly`);
    }
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  }
  return value as JsonValue;
}

function durationJson(value: ParsedOption): string {
  const seconds = Number(value['seconds'] ?? 0);
  const nanos = Number(value['nanos'] ?? 0);
  return `${(seconds + nanos / 1e9).toFixed(9).replace(/\.?0+$/, '')}s`;
}

function timestampJson(value: ParsedOption): string {
  const seconds = Number(value['seconds'] ?? 0);
  const nanos = Number(value['nanos'] ?? 0);
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}
