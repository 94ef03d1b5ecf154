import { describe, expect, it } from 'vitest';
import { authDecisionDecorator, type DecisionDecorator, implementService, Public } from '../src/index.js';
import { effectiveDecisions, readServiceMetadata } from '../src/internal.js';
import { GreeterDescriptor } from './greeter-descriptor.js';

const Thing = (n: number) => authDecisionDecorator({ kind: 'thing', options: { n } });
const Other = () => authDecisionDecorator({ kind: 'other', options: {} });

const handlers = () => ({
  greeting: 'hello',
  sayHello(req: { name: string }) {
    return { text: `${this.greeting} ${req.name}` };
  },
  async *watchGreetings() {},
});

const decided = (cls: abstract new (...args: never[]) => unknown, method: string) =>
  effectiveDecisions(cls, method).map((d) => `${d.kind}${d.kind === 'thing' ? (d.options as { n: number }).n : ''}@${d.declaredOn ?? '?'}`);

describe('implementService: a plain object as a service', () => {
  it('makes a class named after the service whose construction yields the object itself', () => {
    const implementation = handlers();
    const Greeter = implementService(GreeterDescriptor, implementation, { auth: [Public()] });
    expect(Greeter.name).toBe('Greeter');
    const instance = new Greeter();
    expect(instance).toBe(implementation);
    expect((instance as typeof implementation).sayHello({ name: 'ada' })).toEqual({ text: 'hello ada' });
    expect(readServiceMetadata(Greeter)).toEqual({ descriptor: GreeterDescriptor, implementation });
  });

  it('records its decisions as class and method decorators would, in the order given', () => {
    const Greeter = implementService(GreeterDescriptor, handlers(), {
      auth: [Thing(1), Other()],
      methods: { watchGreetings: [Thing(2)] },
    });
    expect(decided(Greeter, 'sayHello')).toEqual(['thing1@Greeter', 'other@Greeter']);
    expect(decided(Greeter, 'watchGreetings')).toEqual(['other@Greeter', 'thing2@Greeter.watchGreetings']);
  });

  it('a method Public() replaces the service-wide decisions; Public() next to another on one level is refused', () => {
    const open = implementService(GreeterDescriptor, handlers(), { auth: [Thing(1)], methods: { sayHello: [Public()] } });
    expect(decided(open, 'sayHello')).toEqual(['public@Greeter.sayHello']);
    const confused = implementService(GreeterDescriptor, handlers(), { auth: [Public(), Thing(1)] });
    expect(() => effectiveDecisions(confused, 'sayHello')).toThrow(/Greeter\.sayHello is marked @Public\(\) \(on Greeter\) and also requires thing/);
  });

  it('without decisions, its methods have none (the server then refuses to start)', () => {
    expect(effectiveDecisions(implementService(GreeterDescriptor, handlers()), 'sayHello')).toEqual([]);
  });

  it('refuses what the types refuse, for callers from JavaScript, naming the service and the fix', () => {
    const loose = implementService as unknown as (d: unknown, i: unknown, a?: unknown) => unknown;
    expect(() => loose('acme.v1.Greeter', handlers())).toThrow(/^implementService: expected a service descriptor .* got the string "acme\.v1\.Greeter"/);
    expect(() => loose(GreeterDescriptor, undefined)).toThrow(
      'implementService(acme.v1.Greeter): the implementation must be an object with one handler per method, got undefined',
    );
    expect(() => loose(GreeterDescriptor, handlers(), { methods: { sayGoodbye: [Public()] } })).toThrow(
      'implementService(acme.v1.Greeter): methods.sayGoodbye is not a method of the service (its methods: sayHello, watchGreetings)',
    );
    expect(() => loose(GreeterDescriptor, handlers(), { auth: ['public' as unknown as DecisionDecorator] })).toThrow(
      'implementService(acme.v1.Greeter): an auth decision must be a decorator such as RequireMtls() or Public(), got string',
    );
  });
});
