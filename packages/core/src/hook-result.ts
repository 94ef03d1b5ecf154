import { RampartError } from './errors.js';

/**
 * True for a thenable: an object or function with a callable `then`, such as a native Promise, a Promise from
 * another realm or library, or a hand-written `{ then(resolve, reject) { … } }`. `instanceof Promise` is true only
 * for the first.
 *
 * @example
 * ```ts
 * isThenable(Promise.resolve());             // true
 * isThenable({ then: (_ok, fail) => fail() }); // true
 * isThenable(false);                           // false
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * What a hook (an interceptor's `onStart`, an auth stage's check) returned, made safe to act on. A hook refuses a
 * call by throwing (or rejecting); it returns nothing, or a promise that settles with nothing. So:
 *
 * - `undefined` → `undefined`: the hook is done;
 * - any thenable → a native promise that rejects when the thenable rejects (or its `then` throws) and when it
 *   settles with a value; await it before going on. A non-native thenable is awaited like a promise, never taken
 *   for a synchronous success;
 * - anything else (`false` from a check written as a predicate, an object) → throws `ERR_INTERNAL` (the call is
 *   refused with INTERNAL, the reason names `hook`): a value a runner does not read must not let a call through.
 *
 * @param hook names the hook in the error's reason, e.g. `'auth stage "tenant"'`.
 * @throws RampartError `ERR_INTERNAL` for a return value that is neither `undefined` nor a thenable.
 *
 * @example
 * ```ts
 * const pending = settleHookResult(hook(ctx, control), 'interceptor "gate" onStart');
 * if (pending !== undefined) await pending;
 * ```
 */
export function settleHookResult(result: unknown, hook: string): Promise<void> | undefined {
  if (result === undefined) return undefined;
  if (!isThenable(result)) throw unexpectedResult(hook, 'returned', result);
  return Promise.resolve(result).then((value) => {
    if (value !== undefined) throw unexpectedResult(hook, 'resolved with', value);
  });
}

function unexpectedResult(hook: string, verb: string, value: unknown): RampartError {
  const text = `${hook} ${verb} ${describeValue(value)}: a hook returns nothing or a promise of nothing, and refuses a call by throwing`;
  return new RampartError('ERR_INTERNAL', text, { reason: text });
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `string "${value.slice(0, 40)}"`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${value.toString()}`;
    case 'object':
      return value === null ? 'null' : 'an object';
    default:
      return `a ${typeof value}`;
  }
}
