import { GrpcService, Public, RampartError, Status, type CallContext, type CallControl, type Interceptor } from '@rampart/core';
import { rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoServiceDescriptor, type EchoRequest__Output, type EchoResponse } from './generated/index.js';
import { EchoService } from './fixtures/echo-service.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

// A hook ends a bidi stream later (as the auth plugin does at token or certificate expiry, or on revocation) while
// a response is still being written: the client must get the status, not wait until its deadline. Node's request
// iterator destroyed the stream on the 'error' event that carries the status, before the pending write flushed, so
// the status was never sent (seen as a flaky "stream ends at token expiry" test on a loaded machine).

const controls = new WeakMap<CallContext, CallControl>();
const keeper: Interceptor = { name: 'keeper', forMethod: () => ({ onStart: (ctx, control) => void controls.set(ctx, control) }) };

/** A response too large for the HTTP/2 flow-control window, so its write is still pending when the hook ends the call. */
const BIG = 'x'.repeat(512 * 1024);

@GrpcService(EchoServiceDescriptor)
class EndingChat extends EchoService {
  /** Answers the first request with a big response, then has the hook end the call while it is being written. */
  @Public()
  override async *chat(requests: AsyncIterable<EchoRequest__Output>, ctx: CallContext): AsyncIterable<EchoResponse> {
    for await (const _request of requests) {
      yield { text: BIG, index: 0 };
      controls.get(ctx)?.end(new RampartError('ERR_TOKEN_REVOKED', 'invalid token', { reason: 'ended by the test' }));
    }
  }
}

let s: Started;
beforeAll(async () => {
  s = await startEchoApp({ services: [EndingChat], interceptors: [keeper] });
});
afterAll(() => s.close());

describe('a bidi stream ended by a hook while a response is being written', () => {
  it('the client gets the status the hook ended it with', async () => {
    let release: () => void = () => undefined;
    const open = new Promise<void>((resolve) => (release = resolve));
    // The client keeps its side open: the server's request stream has not ended when the hook ends the call.
    async function* requests(): AsyncIterable<{ text: string }> {
      yield { text: 'go' };
      await open;
    }
    const received: number[] = [];
    try {
      const err = await rampartErrorOf(
        (async () => {
          for await (const response of s.echo.chat(requests(), { deadline: 5_000 })) received.push(response.text.length);
        })(),
      );
      expect([err.status, err.message]).toEqual([Status.UNAUTHENTICATED, 'invalid token']);
    } finally {
      release();
    }
  });
});
