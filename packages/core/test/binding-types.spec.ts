import { describe, expect, it } from 'vitest';
import { GrpcService, implementService, Public, type CallContext } from '../src/index.js';
import { readServiceMetadata } from '../src/internal.js';
import { GreeterDescriptor } from './greeter-descriptor.js';

// What the compiler checks when a service is bound by its descriptor: every `@ts-expect-error` below is a compile
// error without which `tsc` (the typecheck task) fails; remove the binding's types and the directives fail instead.
// At run time the decorators only record metadata, which the last test reads.

describe('binding by descriptor: the compiler checks the handlers', () => {
  it('a class missing a handler, or with a mistyped one, does not compile; one with both does', () => {
    // @ts-expect-error watchGreetings is missing: the class does not satisfy the Greeter's handlers
    @GrpcService(GreeterDescriptor)
    class Missing {
      sayHello(): { text: string } {
        return { text: 'hi' };
      }
    }

    // @ts-expect-error sayHello resolves to a number, not a Greeting
    @GrpcService(GreeterDescriptor)
    class WrongResponse {
      sayHello(): Promise<number> {
        return Promise.resolve(1);
      }
      async *watchGreetings(): AsyncIterable<{ text: string }> {}
    }

    // @ts-expect-error watchGreetings is server streaming: a promise is not a stream of greetings
    @GrpcService(GreeterDescriptor)
    class NotAStream {
      sayHello(): { text: string } {
        return { text: 'hi' };
      }
      watchGreetings(): Promise<{ text: string }> {
        return Promise.resolve({ text: 'hi' });
      }
    }

    @GrpcService(GreeterDescriptor)
    class Complete {
      constructor(private readonly greeting = 'hello') {}
      sayHello(req: { name: string }): { text: string } {
        return { text: `${this.greeting} ${req.name}` };
      }
      async *watchGreetings(req: { name: string }, ctx: CallContext): AsyncIterable<{ text: string }> {
        if (!ctx.signal.aborted) yield { text: req.name };
      }
    }
    for (const cls of [Missing, WrongResponse, NotAStream, Complete]) {
      expect(readServiceMetadata(cls)?.descriptor).toBe(GreeterDescriptor);
    }
  });

  it('a plain object missing a handler, with a mistyped one, or deciding for an unknown method does not compile', () => {
    const missing = implementService(
      GreeterDescriptor,
      // @ts-expect-error watchGreetings is missing
      { sayHello: () => ({ text: 'hi' }) },
      { auth: [Public()] },
    );
    const mistyped = implementService(
      GreeterDescriptor,
      {
        // @ts-expect-error the request's name is a string, not a number
        sayHello: (req: { name: number }) => ({ text: String(req.name) }),
        watchGreetings: async function* () {},
      },
      { auth: [Public()] },
    );
    const unknownMethod = (): unknown =>
      implementService(
        GreeterDescriptor,
        { sayHello: () => ({ text: 'hi' }), watchGreetings: async function* () {} },
        // @ts-expect-error the Greeter has no method sayGoodbye
        { methods: { sayGoodbye: [Public()] } },
      );
    expect(readServiceMetadata(missing)?.descriptor).toBe(GreeterDescriptor);
    expect(readServiceMetadata(mistyped)?.descriptor).toBe(GreeterDescriptor);
    expect(unknownMethod).toThrow(TypeError);
  });
});
