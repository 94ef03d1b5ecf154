// Compile-time checks: a handler whose signature does not match its RPC must not compile. Run by `vitest --typecheck`.
import { GrpcService, implementService, Public, type CallContext, type ResponseStream } from '@rampart/core';
import { expectTypeOf, test } from 'vitest';
import {
  PingServiceDescriptor,
  type CountRequest__Output,
  type EchoRequest__Output,
  type EchoResponse,
  type EchoServiceHandlers,
  type PingRequest__Output,
  type PingResponse,
  type PingServiceHandlers,
} from './generated/index.js';

test('the generated handler type has one handler per RPC, with the right call kind', () => {
  expectTypeOf<EchoServiceHandlers['echo']>().toEqualTypeOf<
    (request: EchoRequest__Output, ctx: CallContext) => Promise<EchoResponse> | EchoResponse
  >();
  expectTypeOf<EchoServiceHandlers['count']>().returns.toEqualTypeOf<ResponseStream<EchoResponse>>();
  expectTypeOf<EchoServiceHandlers['collect']>().parameter(0).toEqualTypeOf<AsyncIterable<EchoRequest__Output>>();
});

test('mismatched handlers do not compile', () => {
  // A unary handler written as a stream.
  // @ts-expect-error count must take a single CountRequest, not a stream
  const wrongInput: EchoServiceHandlers['count'] = async function* (_reqs: AsyncIterable<CountRequest__Output>) {
    yield { text: '', index: 0 };
  };
  // @ts-expect-error echo must resolve to an EchoResponse, not a number
  const wrongOutput: EchoServiceHandlers['echo'] = () => Promise.resolve(42);
  // @ts-expect-error count is server streaming: a promise is not an async iterable
  const notAStream: EchoServiceHandlers['count'] = () => Promise.resolve({ text: '', index: 0 });
  // @ts-expect-error a synchronous generator must yield messages too
  const wrongYield: EchoServiceHandlers['count'] = function* () {
    yield 42;
  };
  // @ts-expect-error a response field of the wrong type
  const wrongField: EchoServiceHandlers['echo'] = () => Promise.resolve({ text: 1 });
  class Incomplete {
    echo(): Promise<EchoResponse> {
      return Promise.resolve({});
    }
  }
  // @ts-expect-error a class missing methods does not satisfy the handlers type
  const missing: EchoServiceHandlers = new Incomplete();
  expectTypeOf([wrongInput, wrongOutput, notAStream, wrongYield, wrongField, missing]).not.toBeNever();
});

test('binding by the generated descriptor checks the class or object against its handlers, with no implements', () => {
  // @ts-expect-error ping is missing: @GrpcService(PingServiceDescriptor) refuses the class
  @GrpcService(PingServiceDescriptor)
  @Public()
  class NoPing {
    pong(): Promise<PingResponse> {
      return Promise.resolve({ ok: true });
    }
  }
  // @ts-expect-error ping answers a string, not a PingResponse
  @GrpcService(PingServiceDescriptor)
  @Public()
  class WrongPing {
    ping(): Promise<string> {
      return Promise.resolve('pong');
    }
  }
  @GrpcService(PingServiceDescriptor)
  @Public()
  class Ping {
    ping(): Promise<PingResponse> {
      return Promise.resolve({ ok: true });
    }
  }
  // @ts-expect-error an object without ping is refused too
  const noPing = implementService(PingServiceDescriptor, { pong: () => ({ ok: true }) }, { auth: [Public()] });
  // The object's handlers are typed from the descriptor: the request is the generated PingRequest__Output.
  const ping = implementService(PingServiceDescriptor, {
    ping: (req, ctx) => {
      expectTypeOf(req).toEqualTypeOf<PingRequest__Output>();
      expectTypeOf(ctx).toEqualTypeOf<CallContext>();
      return { ok: true };
    },
  });
  expectTypeOf(new ping()).toEqualTypeOf<PingServiceHandlers>();
  expectTypeOf([NoPing, WrongPing, Ping, noPing]).not.toBeNever();
});
