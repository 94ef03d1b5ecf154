import { fromJson, type DescMessage, type JsonObject, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import type { ParsedOption } from './parsed-rules.js';

/**
 * A rule option parsed by protobufjs as the protovalidate message it stands for (`FieldRules`, `MessageRules`,
 * `OneofRules`). protobufjs gives a repeated value set once as a single value: it is made a list where the schema
 * has one, at every depth, before protobuf-es reads it as JSON (which also takes the `.proto` field names).
 *
 * @throws Error naming what protobuf-es could not read (an unknown rule, a value of the wrong type).
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
      const items = Array.isArray(value) ? value : [value];
      json[key] = field.listKind === 'message' ? items.map((item) => asJson(field.message, item as ParsedOption)) : (items as JsonValue[]);
    } else if (field.fieldKind === 'message' && typeof value === 'object' && value !== null) {
      json[key] = asJson(field.message, value as ParsedOption);
    } else {
      json[key] = value as JsonValue;
    }
  }
  return json;
}
