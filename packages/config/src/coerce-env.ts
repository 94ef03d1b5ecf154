import { isPlainObject } from './values.js';

const WHOLE = /^\s*[+-]?\d+\s*$/;
/** Formats that take whole numbers (a named pipe never looks like one, so it stays a string). */
const INTEGER_KINDS = new Set(['port', 'int', 'integer', 'nat', 'duration-ms', 'port_or_windows_named_pipe']);
/** Formats whose environment values stay strings. */
const STRING_KINDS = new Set(['string', 'url', 'non-empty-string', '*', 'windows_named_pipe']);

/**
 * Turns an environment string into the type a format expects. Stricter than convict: `"80abc"` is not the port 80
 * and `"no"` is not `true`; text that does not parse is returned unchanged so that validation reports it.
 * A custom format (a validation function) whose default is a list or an object takes JSON (a list of issuer
 * objects, say); any other custom format takes the string as it is. Returns `undefined` for a format this module
 * does not know (the caller then asks convict).
 *
 * @example
 * ```ts
 * coerceEnv('port', '8080');   // 8080
 * coerceEnv('port', '80abc');  // '80abc' (refused later by validation)
 * coerceEnv('array', 'a, b');  // ['a', 'b']
 * coerceEnv('custom', '[{"issuer":"https://id.example"}]', undefined, []); // [{ issuer: 'https://id.example' }]
 * ```
 */
export function coerceEnv(
  kind: string,
  raw: string,
  enumOptions?: readonly unknown[],
  defaultValue?: unknown,
): { value: unknown } | undefined {
  if (INTEGER_KINDS.has(kind)) return { value: WHOLE.test(raw) ? Number(raw) : raw };
  if (STRING_KINDS.has(kind)) return { value: raw };
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      return { value: raw.trim() !== '' && Number.isFinite(n) ? n : raw };
    }
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      return { value: lower === 'true' ? true : lower === 'false' ? false : raw };
    }
    case 'array': {
      const text = raw.trim();
      if (text.startsWith('[')) return { value: parseJson(raw, Array.isArray) };
      return { value: text === '' ? [] : text.split(',').map((s) => s.trim()) };
    }
    case 'object':
      return { value: parseJson(raw, isPlainObject) };
    case 'regexp':
      try {
        return { value: new RegExp(raw) };
      } catch {
        return { value: raw };
      }
    case 'enum':
      return { value: matchEnum(raw, enumOptions ?? []) };
    case 'custom':
      if (Array.isArray(defaultValue)) return { value: parseJson(raw, Array.isArray) };
      if (isPlainObject(defaultValue)) return { value: parseJson(raw, isPlainObject) };
      return { value: raw };
    default:
      return undefined;
  }
}

function parseJson(raw: string, accept: (value: unknown) => boolean): unknown {
  try {
    const parsed: unknown = JSON.parse(raw);
    return accept(parsed) ? parsed : raw;
  } catch {
    return raw;
  }
}

function matchEnum(raw: string, options: readonly unknown[]): unknown {
  if (options.includes(raw)) return raw;
  const match = options.find((o) => (typeof o === 'number' || typeof o === 'boolean') && String(o) === raw.trim());
  return match === undefined ? raw : match;
}
