/** A `google.protobuf.Value` as proto-loader gives it with `oneofs: true`. */
export interface ValueMessage {
  readonly kind?: string;
  readonly nullValue?: unknown;
  readonly numberValue?: number;
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly structValue?: StructMessage | null;
  readonly listValue?: { readonly values?: readonly ValueMessage[] } | null;
}

/** A `google.protobuf.Struct` as proto-loader gives it. */
export interface StructMessage {
  readonly fields?: Readonly<Record<string, ValueMessage>>;
}

/**
 * A `google.protobuf.Struct` as plain JSON (what ValidateJWTSVID's `claims` means). Every key becomes an own
 * property, also `__proto__` and `constructor`: a claim never changes the result's prototype.
 *
 * @example
 * ```ts
 * structToJson({ fields: { sub: { kind: 'stringValue', stringValue: 'spiffe://td/a' } } }); // { sub: 'spiffe://td/a' }
 * ```
 */
export function structToJson(struct: StructMessage | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) defineOwn(out, key, valueToJson(value));
  return out;
}

/** `target[key] = value` as an own data property: plain assignment to `__proto__` would set the prototype. */
function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function valueToJson(value: ValueMessage): unknown {
  switch (value.kind) {
    case 'numberValue':
      return value.numberValue;
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'structValue':
      return structToJson(value.structValue);
    case 'listValue':
      return (value.listValue?.values ?? []).map(valueToJson);
    default:
      return null;
  }
}

/**
 * Plain JSON as a `google.protobuf.Struct` for proto-loader (the test agent's ValidateJWTSVID answer).
 *
 * @example
 * ```ts
 * jsonToStruct({ aud: ['a'] }); // { fields: { aud: { listValue: { values: [{ stringValue: 'a' }] } } } }
 * ```
 */
export function jsonToStruct(json: Readonly<Record<string, unknown>>): StructMessage {
  const fields: Record<string, ValueMessage> = {};
  for (const [key, value] of Object.entries(json)) defineOwn(fields, key, jsonToValue(value));
  return { fields };
}

function jsonToValue(value: unknown): ValueMessage {
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(jsonToValue) } };
  if (typeof value === 'object' && value !== null) return { structValue: jsonToStruct(value as Record<string, unknown>) };
  return { nullValue: 'NULL_VALUE' };
}
