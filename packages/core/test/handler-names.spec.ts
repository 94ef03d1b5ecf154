import { describe, expect, it } from 'vitest';
import { GrpcMethod, resolveHandlerName } from '../src/index.js';
import { refusal } from './refusal.js';

// RPC names whose lowerCamelCase (or exact) form is a member every object inherits from Object.prototype.
const OBJECT_NAMES = ['ToString', 'ValueOf', 'Constructor', 'HasOwnProperty', 'IsPrototypeOf', 'ToLocaleString', '__defineGetter__', '__proto__'];

describe('resolveHandlerName: only the class and its bases count', () => {
  it.each(OBJECT_NAMES)('%s has no handler on a class that does not implement it', (rpc) => {
    class Empty {
      other(): void {}
    }
    expect(resolveHandlerName(Empty, rpc)).toBeUndefined();
  });

  it('a class that implements them (itself, through a base, or with @GrpcMethod) serves them', () => {
    class Base {
      valueOf(): number {
        return 1;
      }
    }
    class Service extends Base {
      override toString(): string {
        return 'service';
      }
      @GrpcMethod('Constructor')
      construct(): void {}
    }
    expect(resolveHandlerName(Service, 'ToString')).toBe('toString');
    expect(resolveHandlerName(Service, 'ValueOf')).toBe('valueOf');
    expect(resolveHandlerName(Service, 'Constructor')).toBe('construct');
    expect(resolveHandlerName(Service, 'HasOwnProperty')).toBeUndefined();
  });

  it('a class extending Object explicitly gains nothing from it', () => {
    class Explicit extends Object {}
    expect(resolveHandlerName(Explicit, 'ToString')).toBeUndefined();
  });
});

describe('@GrpcMethod through inheritance', () => {
  class Base {
    @GrpcMethod('WatchStock')
    streamLevels(): void {}
  }

  it("a subclass's own mapping does not hide its base's mappings of other RPCs", () => {
    class Sub extends Base {
      @GrpcMethod('Reserve')
      book(): void {}
    }
    expect(resolveHandlerName(Sub, 'WatchStock')).toBe('streamLevels');
    expect(resolveHandlerName(Sub, 'Reserve')).toBe('book');
  });

  it("an override of the mapped method serves the base's mapping", () => {
    class Sub extends Base {
      override streamLevels(): void {}
    }
    expect(resolveHandlerName(Sub, 'WatchStock')).toBe('streamLevels');
  });

  it('a subclass serving the RPC with another method than its base is refused, naming the fix', () => {
    class Remapped extends Base {
      @GrpcMethod('WatchStock')
      watchEverything(): void {}
    }
    const err = refusal(() => resolveHandlerName(Remapped, 'WatchStock'));
    expect(err.code).toBe('ERR_SERVICE_DEFINITION');
    expect(err.message).toContain(
      'Remapped serves rpc WatchStock with watchEverything, but its base class Base serves it with streamLevels',
    );
    expect(err.message).toContain('override streamLevels in Remapped');
  });

  it('a subclass method named closer to the RPC than the base method that serves it is refused too', () => {
    class ExactName {
      WatchStock(): void {}
    }
    class Shadow extends ExactName {
      watchStock(): void {}
    }
    expect(refusal(() => resolveHandlerName(Shadow, 'WatchStock')).message).toContain(
      'Shadow serves rpc WatchStock with watchStock, but its base class ExactName serves it with WatchStock',
    );
  });

  it('a mapping to something that is not a method serves nothing', () => {
    class Accessor {
      @GrpcMethod('Ping')
      get ping(): () => void {
        return () => undefined;
      }
    }
    expect(resolveHandlerName(Accessor, 'Ping')).toBeUndefined();
  });
});
