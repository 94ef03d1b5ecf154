import { describe, expect, it } from 'vitest';
import {
  authDecisionDecorator,
  effectiveDecisions,
  GrpcMethod,
  GrpcService,
  Public,
  readServiceMetadata,
  resolveHandlerName,
} from '../src/index.js';

const RequireThing = (n: number) => authDecisionDecorator({ kind: 'thing', options: { n } });
const RequireOther = () => authDecisionDecorator({ kind: 'other', options: {} });

@GrpcService('acme.v1.Greeter')
@RequireThing(1)
@RequireOther()
class Greeter {
  sayHello(): void {}
  @RequireThing(2)
  override(): void {}
  @Public()
  open(): void {}
  @GrpcMethod('WatchStock')
  streamLevels(): void {}
}

describe('service decorators', () => {
  it('records the service name', () => {
    expect(readServiceMetadata(Greeter)).toEqual({ typeName: 'acme.v1.Greeter' });
    expect(readServiceMetadata(class Plain {})).toBeUndefined();
  });

  it('rejects a service name that is not fully qualified', () => {
    expect(() => GrpcService('Greeter')).toThrow(/fully qualified/);
  });

  it('maps RPC names to handlers by lowerCamelCase, by exact name, and by explicit override', () => {
    expect(resolveHandlerName(Greeter, 'SayHello')).toBe('sayHello');
    expect(resolveHandlerName(Greeter, 'sayHello')).toBe('sayHello');
    expect(resolveHandlerName(Greeter, 'WatchStock')).toBe('streamLevels');
    expect(resolveHandlerName(Greeter, 'Missing')).toBeUndefined();
  });
});

describe('auth decisions', () => {
  it('inherits class decisions when the method has none', () => {
    expect(effectiveDecisions(Greeter, 'sayHello').map((d) => [d.kind, d.options])).toEqual([
      ['thing', { n: 1 }],
      ['other', {}],
    ]);
  });

  it('lets a method decision replace the class decision of the same kind only', () => {
    expect(effectiveDecisions(Greeter, 'override').map((d) => [d.kind, d.options])).toEqual([
      ['other', {}],
      ['thing', { n: 2 }],
    ]);
  });

  it('lets @Public() on a method replace every class decision', () => {
    expect(effectiveDecisions(Greeter, 'open').map((d) => d.kind)).toEqual(['public']);
  });

  it('returns nothing for an undecorated method (the server then refuses to start)', () => {
    class Bare {
      m(): void {}
    }
    expect(effectiveDecisions(Bare, 'm')).toEqual([]);
  });

  it('refuses @Public() next to another decision on the same method', () => {
    class Confused {
      @Public()
      @RequireThing(1)
      m(): void {}
    }
    expect(() => effectiveDecisions(Confused, 'm')).toThrow(/Confused\.m is marked @Public\(\) \(on Confused\.m\) and also requires thing \(on Confused\.m\)/);
  });
});
