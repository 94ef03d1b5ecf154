/** True for a plain object (`{}` or `Object.create(null)`), not an array, class instance, RegExp or Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Copies plain objects and arrays (recursively) so that freezing the copy never touches the caller's objects;
 * anything else (numbers, strings, RegExp, functions) is kept as is. Every key stays an own data property, also
 * `__proto__` (which `JSON.parse` makes an ordinary key, but a plain assignment would turn into the copy's prototype).
 *
 * @example
 * ```ts
 * const copy = copyData({ a: [1, 2] }); // a new object with a new array
 * ```
 */
export function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: copyData(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * Freezes plain objects and arrays recursively (what {@link copyData} produced), leaving other objects alone.
 *
 * @example
 * ```ts
 * const frozen = deepFreeze(copyData(input));
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isPlainObject(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * A short, single-line rendering of a value for an error message. Never call it with a sensitive value.
 *
 * @example
 * ```ts
 * showValue('99999'); // '"99999"'
 * showValue(undefined); // 'nothing'
 * ```
 */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (value instanceof RegExp) text = String(value);
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? `a ${typeof value}`;
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
