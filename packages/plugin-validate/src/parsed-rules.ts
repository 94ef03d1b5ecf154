import type { ReflectionObject } from 'protobufjs';

/** A rule option as protobufjs parsed it from the `.proto`: plain objects, arrays for repeated values, scalars. */
export type ParsedOption = Readonly<Record<string, unknown>>;

/**
 * The value of option `name` (e.g. `(buf.validate.field)`) on a protobufjs reflection object, its separate
 * statements merged (`[(buf.validate.field).string.min_len = 1, (buf.validate.field).string.max_len = 9]`);
 * undefined if the option is not set.
 */
export function parsedOption(object: Pick<ReflectionObject, 'parsedOptions'> | undefined, name: string): ParsedOption | undefined {
  let merged: unknown;
  for (const entry of (object?.parsedOptions ?? []) as Record<string, unknown>[]) {
    if (Object.hasOwn(entry, name)) merged = mergeOption(merged, entry[name]);
  }
  return isPlainObject(merged) ? merged : undefined;
}

function mergeOption(into: unknown, value: unknown): unknown {
  if (!isPlainObject(into) || !isPlainObject(value)) return value;
  const merged: Record<string, unknown> = { ...into };
  for (const [key, item] of Object.entries(value)) merged[key] = Object.hasOwn(into, key) ? mergeOption(into[key], item) : item;
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
