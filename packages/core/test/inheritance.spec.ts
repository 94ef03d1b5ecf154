import { describe, expect, it } from 'vitest';
import { type AuthDecision, authDecisionDecorator, Public } from '../src/index.js';
import { effectiveDecisions } from '../src/internal.js';
import { refusal } from './refusal.js';

// Stand-ins for the auth package's decorators (core does not depend on it): same mechanism, distinct kinds.
const Mtls = (allow: string) => authDecisionDecorator({ kind: 'mtls', options: { allow } });
const Token = (scope: string) => authDecisionDecorator({ kind: 'token', options: { scope } });
const Policy = (name: string) => authDecisionDecorator({ kind: 'policy', options: { name } });

/** `kind:option@declaredOn` for each decision, in order. */
const describeAll = (decisions: readonly AuthDecision[]): string[] =>
  decisions.map((d) => `${d.kind}:${Object.values(d.options as object).join(',')}@${d.declaredOn ?? '?'}`);

const applied = (cls: abstract new (...args: never[]) => unknown, method: string): string[] =>
  describeAll(effectiveDecisions(cls, method));

describe('auth decisions through inheritance: they add up along the class chain', () => {
  it('base class decisions + subclass class decision: all apply (the subclass adding @Authorize drops nothing)', () => {
    @Mtls('orders')
    @Token('read')
    class Base {
      read(): void {}
    }
    @Policy('P')
    class Sub extends Base {}
    expect(applied(Sub, 'read')).toEqual(['mtls:orders@Base', 'token:read@Base', 'policy:P@Sub']);
    // A method the subclass adds is covered by the base's class decisions too.
    class Wider extends Base {
      extra(): void {}
    }
    expect(applied(Wider, 'extra')).toEqual(['mtls:orders@Base', 'token:read@Base']);
  });

  it('two class-level rules of one kind on different levels both apply (every @RequireMtls must pass)', () => {
    @Mtls('Y')
    class Base {
      m(): void {}
    }
    @Mtls('X')
    class Sub extends Base {}
    expect(applied(Sub, 'm')).toEqual(['mtls:Y@Base', 'mtls:X@Sub']);
  });

  it("a subclass method's rule does not replace the base class's rule of the same kind: both apply", () => {
    @Mtls('Y')
    class Base {
      m(): void {}
    }
    class Sub extends Base {
      @Mtls('X')
      override m(): void {}
    }
    expect(applied(Sub, 'm')).toEqual(['mtls:Y@Base', 'mtls:X@Sub.m']);
  });

  it('base method decision + subclass override without decorators: the base method decision still applies', () => {
    class Base {
      @Token('write')
      store(): void {}
    }
    class Sub extends Base {
      override store(): void {}
    }
    expect(applied(Sub, 'store')).toEqual(['token:write@Base.store']);
  });

  it('base method decision + subclass override with decorators: both apply, whatever their kinds', () => {
    class Base {
      @Token('write')
      store(): void {}
    }
    class Sub extends Base {
      @Mtls('orders')
      @Token('admin')
      override store(): void {}
    }
    expect(applied(Sub, 'store')).toEqual(['token:write@Base.store', 'mtls:orders@Sub.store', 'token:admin@Sub.store']);
  });

  it("within one class a method decision still replaces that class's decision of the same kind, also seen from a subclass", () => {
    @Token('read')
    @Mtls('any')
    class Base {
      @Token('write')
      store(): void {}
    }
    class Sub extends Base {
      override store(): void {}
    }
    expect(applied(Base, 'store')).toEqual(['mtls:any@Base', 'token:write@Base.store']);
    expect(applied(Sub, 'store')).toEqual(['mtls:any@Base', 'token:write@Base.store']);
  });

  it('three levels: every level adds, in order from the base', () => {
    @Mtls('X')
    class A {
      m(): void {}
    }
    @Token('read')
    class B extends A {}
    @Policy('P')
    class C extends B {
      @Mtls('Y')
      override m(): void {}
    }
    expect(applied(C, 'm')).toEqual(['mtls:X@A', 'token:read@B', 'policy:P@C', 'mtls:Y@C.m']);
  });

  it('a method declared on a middle class gets the class decisions of the levels below and above it', () => {
    @Mtls('X')
    class A {}
    class B extends A {
      m(): void {}
    }
    @Token('read')
    class C extends B {}
    expect(applied(C, 'm')).toEqual(['mtls:X@A', 'token:read@C']);
  });
});

describe('@Public() through inheritance', () => {
  it('@Public on a base method does not reach an undecorated override: the subclass class decision applies', () => {
    class Base {
      @Public()
      read(): void {}
    }
    @Mtls('orders')
    class Sub extends Base {
      override read(): void {}
    }
    expect(applied(Sub, 'read')).toEqual(['mtls:orders@Sub']);
  });

  it("@Public on a base method does not reach an override; the base class's own decisions do", () => {
    @Mtls('orders')
    class Base {
      @Public()
      health(): void {}
    }
    class Sub extends Base {
      override health(): void {}
    }
    expect(applied(Base, 'health')).toEqual(['public:@Base.health']);
    expect(applied(Sub, 'health')).toEqual(['mtls:orders@Base']);
  });

  it('@Public on a base method + an override with no other decision anywhere: start-up stops, naming the fix', () => {
    class Base {
      @Public()
      read(): void {}
    }
    class Sub extends Base {
      override read(): void {}
    }
    const err = refusal(() => effectiveDecisions(Sub, 'read'));
    expect(err.code).toBe('ERR_NO_AUTH_DECISION');
    expect(err.message).toContain('Sub.read has no auth decision: the @Public() on Base.read does not reach Sub.read');
    expect(err.message).toContain('mark Sub.read @Public() if it is meant to be public');
  });

  it('@Public on a base method + an override marked @Public() again: public', () => {
    class Base {
      @Public()
      read(): void {}
    }
    class Sub extends Base {
      @Public()
      override read(): void {}
    }
    expect(applied(Sub, 'read')).toEqual(['public:@Sub.read']);
  });

  it('@Public on a base method, inherited without override: public, unless the subclass adds a decision (conflict)', () => {
    class Base {
      @Public()
      ping(): void {}
    }
    class Plain extends Base {}
    expect(applied(Plain, 'ping')).toEqual(['public:@Base.ping']);
    @Token('read')
    class Guarded extends Base {}
    const err = refusal(() => effectiveDecisions(Guarded, 'ping'));
    expect(err.code).toBe('ERR_AUTH_CONFLICT');
    expect(err.message).toContain('Guarded.ping is marked @Public() (on Base.ping) and also requires token (on Guarded)');
    expect(err.message).toContain('remove @Public() from Base.ping, or remove the other decisions');
  });

  it('a class-level @Public on a base does not reach a method the subclass adds or overrides', () => {
    @Public()
    class Base {
      read(): void {}
    }
    class Sub extends Base {
      override read(): void {}
      extra(): void {}
    }
    expect(refusal(() => effectiveDecisions(Sub, 'read')).code).toBe('ERR_NO_AUTH_DECISION');
    expect(refusal(() => effectiveDecisions(Sub, 'extra')).message).toContain('the @Public() on Base does not reach Sub.extra');
  });

  it('@Public on a subclass (class level) + decisions on the base class: conflict', () => {
    @Mtls('orders')
    class Base {
      read(): void {}
    }
    @Public()
    class Sub extends Base {}
    const err = refusal(() => effectiveDecisions(Sub, 'read'));
    expect(err.code).toBe('ERR_AUTH_CONFLICT');
    expect(err.message).toContain('Sub.read is marked @Public() (on Sub) and also requires mtls (on Base)');
  });

  it('@Public on a subclass override + decisions on the base class or the base method: conflict', () => {
    @Mtls('orders')
    class Base {
      read(): void {}
      @Token('write')
      store(): void {}
    }
    class Sub extends Base {
      @Public()
      override read(): void {}
      @Public()
      override store(): void {}
    }
    expect(refusal(() => effectiveDecisions(Sub, 'read')).message).toContain(
      'Sub.read is marked @Public() (on Sub.read) and also requires mtls (on Base)',
    );
    expect(refusal(() => effectiveDecisions(Sub, 'store')).message).toContain(
      'Sub.store is marked @Public() (on Sub.store) and also requires mtls (on Base), token (on Base.store)',
    );
  });

  it('three levels: @Public on the base method, a middle class decision, an undecorated override on top', () => {
    class A {
      @Public()
      m(): void {}
    }
    @Token('read')
    class B extends A {}
    class C extends B {
      override m(): void {}
    }
    // B inherits A.m itself: public next to B's token is a conflict.
    expect(refusal(() => effectiveDecisions(B, 'm')).code).toBe('ERR_AUTH_CONFLICT');
    // C overrides m: A's @Public does not reach it, B's token does.
    expect(applied(C, 'm')).toEqual(['token:read@B']);
  });

  it('a class-level @Public on the base, inherited methods, no other decision: public (its own code)', () => {
    @Public()
    class Base {
      read(): void {}
    }
    class Sub extends Base {}
    expect(applied(Sub, 'read')).toEqual(['public:@Base']);
  });
});
