import { describe, expect, it } from 'vitest';
import { implementService, Public, type ServiceDescriptor } from '../src/index.js';
import { hasHandler } from '../src/internal.js';

// Handler names whose RPC is named like a member every object inherits from Object.prototype (`ToString` is served
// by `toString`): only what the service itself implements serves them.
const OBJECT_NAMES = ['toString', 'valueOf', 'constructor', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', '__defineGetter__', '__proto__'];

/** A descriptor with one unary method per name, for services served by a plain object. */
function namesDescriptor(names: readonly string[]): ServiceDescriptor {
  const methods = Object.fromEntries(names.map((n) => [n, { name: n, path: `/acme.v1.Names/${n}`, kind: 'unary' as const }]));
  return { typeName: 'acme.v1.Names', protoFile: 'acme/v1/names.proto', methods };
}

describe('hasHandler on a class: only the class and its bases count', () => {
  it.each(OBJECT_NAMES)('%s is no handler of a class that does not implement it', (name) => {
    class Empty {
      other(): void {}
    }
    expect(hasHandler(Empty, name)).toBe(false);
  });

  it('a class that implements them (itself or through a base) serves them; its constructor never does', () => {
    class Base {
      valueOf(): number {
        return 1;
      }
    }
    class Service extends Base {
      override toString(): string {
        return 'service';
      }
    }
    expect(hasHandler(Service, 'toString')).toBe(true);
    expect(hasHandler(Service, 'valueOf')).toBe(true);
    expect(hasHandler(Service, 'constructor')).toBe(false);
    expect(hasHandler(Service, 'hasOwnProperty')).toBe(false);
  });

  it('a class extending Object explicitly gains nothing from it', () => {
    class Explicit extends Object {}
    expect(hasHandler(Explicit, 'toString')).toBe(false);
  });

  it('an accessor is no handler', () => {
    class Accessor {
      get ping(): () => void {
        return () => undefined;
      }
    }
    expect(hasHandler(Accessor, 'ping')).toBe(false);
  });
});

describe('hasHandler on a plain object served with implementService', () => {
  const serve = (implementation: object) =>
    implementService(namesDescriptor(OBJECT_NAMES), implementation as never, { auth: [Public()] });

  it.each(OBJECT_NAMES)('%s is no handler of an object that does not define it', (name) => {
    expect(hasHandler(serve({ other: () => undefined }), name)).toBe(false);
  });

  it("an object's own functions serve, `constructor` included; so do the methods of its class, but not the class's constructor", () => {
    const literal = serve({ toString: () => 'own', constructor: () => 'own' });
    expect(hasHandler(literal, 'toString')).toBe(true);
    expect(hasHandler(literal, 'constructor')).toBe(true);
    expect(hasHandler(literal, 'valueOf')).toBe(false);
    class Handlers {
      valueOf(): number {
        return 1;
      }
    }
    const instance = serve(new Handlers());
    expect(hasHandler(instance, 'valueOf')).toBe(true);
    expect(hasHandler(instance, 'constructor')).toBe(false);
    expect(hasHandler(instance, 'toString')).toBe(false);
  });

  it('a value that is not a function is no handler', () => {
    expect(hasHandler(serve({ toString: 'text' }), 'toString')).toBe(false);
  });
});
