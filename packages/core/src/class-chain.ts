/** A class as Rampart's metadata readers take it (constructed by the container, never by them). */
export type AnyClass = abstract new (...args: never[]) => unknown;

/**
 * The inheritance chain of a class, base-most first and the class itself last. `Object` is never part of it: what
 * every object inherits from `Object.prototype` (`toString`, `valueOf`, `hasOwnProperty`, …) is not the class's.
 *
 * @example
 * ```ts
 * class Base {}
 * class Sub extends Base {}
 * classChain(Sub); // [Base, Sub]
 * ```
 */
export function classChain(cls: AnyClass): AnyClass[] {
  const chain: AnyClass[] = [];
  for (
    let current: unknown = cls;
    typeof current === 'function' && current !== Function.prototype && current !== Object;
    current = Object.getPrototypeOf(current)
  ) {
    chain.unshift(current as AnyClass);
  }
  return chain;
}

/**
 * Whether the class itself (not a base class) declares a method of this name on its prototype. `constructor` is not
 * a method: every class prototype has one.
 *
 * @example
 * ```ts
 * class Greeter { sayHello() {} }
 * declaresMethod(Greeter, 'sayHello'); // true
 * declaresMethod(Greeter, 'toString'); // false: Object's, not Greeter's
 * ```
 */
export function declaresMethod(cls: AnyClass, name: string): boolean {
  if (name === 'constructor') return false;
  const prototype = cls.prototype as object | undefined;
  if (prototype === undefined || prototype === null) return false;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  return typeof descriptor?.value === 'function';
}

/**
 * The class of the chain whose method of this name runs on an instance: the nearest one (from the class down to its
 * bases) that declares it, or `undefined` when only `Object.prototype` (or nothing) has it.
 *
 * @example
 * ```ts
 * class Base { read() {} }
 * class Sub extends Base {}
 * implementingClass(Sub, 'read'); // Base
 * implementingClass(Sub, 'toString'); // undefined
 * ```
 */
export function implementingClass(cls: AnyClass, name: string): AnyClass | undefined {
  const chain = classChain(cls);
  for (let i = chain.length - 1; i >= 0; i--) {
    const candidate = chain[i] as AnyClass;
    if (declaresMethod(candidate, name)) return candidate;
  }
  return undefined;
}
