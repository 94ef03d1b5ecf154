import { isSecretKey, redactValue, scrubString } from './redaction-rules.js';

/** Nesting deeper than this is replaced by {@link TOO_DEEP}. */
const MAX_DEPTH = 12;
const TOO_DEEP = '[too deep]';
const CIRCULAR = '[circular]';

type Bag = Record<string, unknown>;

/**
 * The objects being walked, innermost last. Module-level so a walk allocates nothing for it; every entry point
 * restores its length, also when a getter or `toJSON` throws or logs (re-entrancy only adds and removes on top).
 */
const ancestors: object[] = [];

/**
 * Deep-copies a value replacing secrets: JWT/JWS/JWE-looking strings, `Bearer …` values, PEM private keys, and
 * values under keys like authorization/token/access_token/id_token/refresh_token/client_secret/password/secret/
 * private_key/key (case-insensitive). Bounded depth, handles cycles, Buffers, Errors (message, stack, cause).
 *
 * What comes back: plain objects, arrays, Maps and Sets are copied; an Error is copied with its prototype (so
 * `instanceof` and `name` still work) and scrubbed `message`, `stack`, `cause` and own properties; binary data
 * (Buffers, typed arrays) becomes a short `[binary N bytes]` note, since it cannot be checked; an object with
 * `toJSON()` (URL, grpc-js `Metadata`, …) is replaced by its scrubbed JSON form; cycles become `[circular]`, and
 * nesting deeper than 12 levels `[too deep]`. Strings go through {@link scrubString}.
 *
 * @example
 * ```ts
 * scrubSecrets({ user: 'alice', authorization: 'Bearer eyJ…', note: `got ${jwt}` });
 * // { user: 'alice', authorization: '[redacted]', note: 'got [redacted]' }
 * ```
 */
export function scrubSecrets<T>(value: T): T {
  return enter(value, true) as T;
}

/**
 * Like {@link scrubSecrets}, but copies only what it has to change and returns anything clean as it is (the same
 * reference): what the logger runs on every line, so a clean line costs a walk and no allocation.
 *
 * @example
 * ```ts
 * const clean = { sku: 'a-1' };
 * scrubForLog(clean) === clean; // true
 * ```
 */
export function scrubForLog<T>(value: T): T {
  return enter(value, false) as T;
}

function enter(value: unknown, copy: boolean): unknown {
  const base = ancestors.length;
  try {
    return scrub(value, copy, 0);
  } finally {
    ancestors.length = base;
  }
}

function scrub(value: unknown, copy: boolean, depth: number): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (typeof value !== 'object' || value === null) return value;
  return scrubObject(value, copy, depth);
}

function scrubObject(obj: object, copy: boolean, depth: number): unknown {
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
    return `[binary ${obj.byteLength} bytes]`;
  }
  if (obj instanceof Date) return copy ? new Date(obj.getTime()) : obj;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (ancestors.includes(obj)) return CIRCULAR;
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) return scrubArray(obj as unknown[], copy, depth);
    if (obj instanceof Error) return scrubError(obj, copy, depth);
    if (obj instanceof Map) return scrubMap(obj as Map<unknown, unknown>, copy, depth);
    if (obj instanceof Set) return scrubSet(obj as Set<unknown>, copy, depth);
    const json = jsonForm(obj);
    if (json !== obj) {
      const scrubbed = scrub(json, copy, depth);
      return !copy && scrubbed === json ? obj : scrubbed;
    }
    return scrubRecord(obj as Bag, Object.getPrototypeOf(obj) as object | null, copy, depth);
  } finally {
    ancestors.pop();
  }
}

/** What JSON.stringify would write for a class instance: its `toJSON()`, or a metadata map's `getMap()`. */
function jsonForm(obj: object): unknown {
  const { toJSON, getMap } = obj as { toJSON?: unknown; getMap?: unknown };
  if (typeof toJSON === 'function') return (toJSON as () => unknown).call(obj);
  if (typeof getMap === 'function') return (getMap as () => unknown).call(obj);
  return obj;
}

function scrubEntry(key: string, value: unknown, copy: boolean, depth: number): unknown {
  return isSecretKey(key) ? redactValue(value) : scrub(value, copy, depth + 1);
}

function scrubRecord(obj: Bag, proto: object | null, copy: boolean, depth: number): Bag {
  const keys = Object.keys(obj);
  let out: Bag | undefined = copy ? (Object.create(proto) as Bag) : undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = obj[key];
    const clean = scrubEntry(key, value, copy, depth);
    if (out === undefined) {
      if (clean === value) continue;
      out = Object.create(proto) as Bag;
      for (let j = 0; j < i; j++) define(out, keys[j] as string, obj[keys[j] as string]);
    }
    define(out, key, clean);
  }
  return out ?? obj;
}

function scrubArray(arr: readonly unknown[], copy: boolean, depth: number): unknown[] {
  let out: unknown[] | undefined = copy ? new Array<unknown>(arr.length) : undefined;
  for (let i = 0; i < arr.length; i++) {
    const value = arr[i];
    const clean = scrub(value, copy, depth + 1);
    if (out === undefined) {
      if (clean === value) continue;
      out = arr.slice(0, i);
    }
    out[i] = clean;
  }
  return out ?? (arr as unknown[]);
}

function scrubMap(map: Map<unknown, unknown>, copy: boolean, depth: number): Map<unknown, unknown> {
  let changed = copy;
  const entries: [unknown, unknown][] = [];
  for (const [key, value] of map) {
    const cleanKey = scrub(key, copy, depth + 1);
    const clean = typeof key === 'string' ? scrubEntry(key, value, copy, depth) : scrub(value, copy, depth + 1);
    changed ||= cleanKey !== key || clean !== value;
    entries.push([cleanKey, clean]);
  }
  return changed ? new Map(entries) : map;
}

function scrubSet(set: Set<unknown>, copy: boolean, depth: number): Set<unknown> {
  let changed = copy;
  const values: unknown[] = [];
  for (const value of set) {
    const clean = scrub(value, copy, depth + 1);
    changed ||= clean !== value;
    values.push(clean);
  }
  return changed ? new Set(values) : set;
}

const ERROR_OWN = new Set(['message', 'stack', 'cause', 'errors']);

function scrubError(err: Error, copy: boolean, depth: number): Error {
  const message = scrub(err.message, copy, depth);
  const stack = scrub(err.stack, copy, depth);
  const hasCause = 'cause' in err;
  const cause = hasCause ? scrub(err.cause, copy, depth + 1) : undefined;
  const errors: unknown = (err as { errors?: unknown }).errors;
  const cleanErrors = Array.isArray(errors) ? scrub(errors, copy, depth) : errors;
  let changed = copy || message !== err.message || stack !== err.stack || cause !== err.cause || cleanErrors !== errors;
  const own: [string, unknown][] = [];
  for (const key of Object.keys(err)) {
    if (ERROR_OWN.has(key)) continue;
    const value = (err as unknown as Bag)[key];
    const clean = scrubEntry(key, value, copy, depth);
    changed ||= clean !== value;
    own.push([key, clean]);
  }
  if (!changed) return err;
  const out = Object.create(Object.getPrototypeOf(err) as object | null) as Error;
  hidden(out, 'message', message);
  hidden(out, 'stack', stack);
  if (hasCause) hidden(out, 'cause', cause);
  if (Array.isArray(errors)) hidden(out, 'errors', cleanErrors);
  for (const [key, value] of own) define(out as unknown as Bag, key, value);
  return out;
}

/** Sets an own, enumerable property without running setters a prototype may have. */
function define(target: Bag, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Sets an own, non-enumerable property, as Error does for `message`, `stack` and `cause`. */
function hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}
