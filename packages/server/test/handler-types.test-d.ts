// Compile-time checks: a handler whose signature does not match its RPC must not compile. Run by `vitest --typecheck`.
import type { CallContext, ResponseStream } from '@rampart/core';
import { expectTypeOf, test } from 'vitest';
import type { CountRequest__Output, EchoRequest__Output, EchoResponse, EchoServiceHandlers } from './generated/index.js';

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
