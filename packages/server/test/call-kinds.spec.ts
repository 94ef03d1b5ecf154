import { RampartError, Status } from '@rampart/core';
import { collect, collectUntilError, rampartErrorOf, rejectionOf, waitFor } from '@rampart/test-support';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

let s: Started;
beforeAll(async () => {
  s = await startEchoApp();
});
afterAll(() => s.close());
beforeEach(() => probe.reset());

describe('the four call kinds', () => {
  it('unary: request in, response out, metadata visible to the handler', async () => {
    const res = await s.echo.echo({ text: 'hello' }, { metadata: { 'x-test': 'meta-1' } });
    expect(res).toEqual({ text: 'hello', index: 0 });
    expect(probe.seenMetadata).toEqual(['meta-1']);
  });

  it('server streaming: every yielded message arrives in order', async () => {
    const out = await collect(s.echo.count({ from: 2, to: 7, failAfter: -1 }));
    expect(out.map((m) => m.index)).toEqual([2, 3, 4, 5, 6]);
    expect(probe.finallyRan).toBe(1);
  });

  it('client streaming: the handler consumes an async iterable of requests', async () => {
    async function* requests() {
      for (const text of ['a', 'b', 'c']) yield { text };
    }
    const res = await s.echo.collect(requests());
    expect(res).toEqual({ text: 'a,b,c', index: 3 });
  });

  it('bidi: responses are produced while requests still arrive', async () => {
    const out = await collect(s.echo.chat([{ text: 'x' }, { text: 'y' }]));
    expect(out).toEqual([
      { text: 'X', index: 0 },
      { text: 'Y', index: 1 },
    ]);
  });

  it('client streaming with no messages still gets a response', async () => {
    expect(await s.echo.collect([])).toEqual({ text: '', index: 0 });
  });
});

describe('server streaming from a synchronous generator', () => {
  it('every yielded message arrives in order, then OK', async () => {
    const got = await collect(s.echo.tally({ from: 3, to: 40, failAfter: -1 }));
    expect(got.map((m) => m.index)).toEqual(Array.from({ length: 37 }, (_, i) => i + 3));
    expect(probe.finallyRan).toBe(1);
  });

  it('a throw mid-stream: the messages before it arrive, then the mapped status', async () => {
    const { items, error } = await collectUntilError(s.echo.tally({ from: 0, to: 10, failAfter: 4 }));
    expect(error.status).toBe(Status.FAILED_PRECONDITION);
    expect(items.map((m) => m.index)).toEqual([0, 1, 2, 3, 4]);
    expect(probe.finallyRan).toBe(1);
  });

  it('a slow reader that keeps reading gets every message', async () => {
    let count = 0;
    for await (const m of s.echo.tally({ from: 0, to: 400, failAfter: -1 })) {
      expect(m.index).toBe(count);
      count += 1;
      if (count % 100 === 0) await sleep(20); // a sleep on purpose: the reader is slow
    }
    expect(count).toBe(400);
  });
});

describe('errors mid-stream', () => {
  it('server streaming: messages before the error arrive, then the mapped status', async () => {
    const { items, error } = await collectUntilError(s.echo.count({ from: 0, to: 10, failAfter: 2 }));
    expect(items.map((m) => m.index)).toEqual([0, 1, 2]);
    expect(error).toBeInstanceOf(RampartError);
    expect(error.status).toBe(Status.FAILED_PRECONDITION);
    expect(error.message).toBe('stopped after 2');
    expect(probe.finallyRan).toBe(1);
  });

  it('client streaming: an error while reading requests ends the call with its status', async () => {
    const err = await rampartErrorOf(s.echo.collect([{ text: 'a' }, { text: 'b', fail: 'ERR_INVALID_ARGUMENT' }, { text: 'c' }]));
    expect(err.status).toBe(Status.INVALID_ARGUMENT);
    expect(probe.received).toEqual(['a']);
  });

  it('bidi: an error after some responses ends the stream with its status', async () => {
    const { items, error } = await collectUntilError(s.echo.chat([{ text: 'a' }, { text: 'b', fail: 'ERR_NOT_FOUND' }]));
    expect(items.map((m) => m.text)).toEqual(['A']);
    expect(error.status).toBe(Status.NOT_FOUND);
  });
});

describe('back-pressure', () => {
  it.each([
    ['an async generator', 'count'],
    ['a synchronous generator', 'tally'],
  ] as const)('a slow reader holds %s back instead of letting it buffer everything; going away runs its finally', async (_kind, method) => {
    const iterator = s.echo[method]({ from: 0, to: 5_000, failAfter: -1 })[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) await iterator.next();
    await sleep(300); // a sleep on purpose: time for the generator to run ahead if flow control did not hold it
    // 5,000 messages of 16 KiB would be 80 MB; flow control must stop the generator long before that.
    expect(probe.produced).toBeGreaterThan(3);
    expect(probe.produced).toBeLessThan(500);
    await iterator.return?.();
    await waitFor(() => probe.finallyRan > 0, "the generator's finally block");
    expect(probe.finallyRan).toBe(1);
  });

  it('a client-streaming handler pulls requests as it reads them', async () => {
    let sent = 0;
    async function* requests() {
      for (let i = 0; i < 200; i++) {
        sent += 1;
        yield { text: `m${i}`.padEnd(16 * 1024, '.'), delayMs: 20 };
      }
    }
    const pending = s.echo.collect(requests(), { deadline: 400 });
    await waitFor(() => probe.received.length >= 10, 'the handler to read ten requests');
    // The handler reads one message every 20 ms; the sender must not have pushed everything into buffers.
    expect(sent).toBeLessThan(200);
    await rejectionOf(pending);
  });
});

describe('cancellation and deadlines', () => {
  it('a client cancel aborts ctx.signal with CANCELLED', async () => {
    const controller = new AbortController();
    const pending = s.echo.echo({ text: 'slow', delayMs: 5_000 }, { signal: controller.signal });
    await waitFor(() => probe.calls.includes('echo'), 'the handler to start');
    controller.abort();
    const err = await rampartErrorOf(pending);
    expect(err.status).toBe(Status.CANCELLED);
    await waitFor(() => probe.aborts.some((a) => a.method === 'echo'), 'the handler to see the abort');
    const aborts = probe.aborts.filter((a) => a.method === 'echo');
    expect(aborts).toHaveLength(1);
    expect((aborts[0]?.reason as { code: string }).code).toBe('ERR_CANCELLED');
  });

  it('a passed deadline aborts ctx.signal with DEADLINE_EXCEEDED and the client gets DEADLINE_EXCEEDED', async () => {
    const err = await rampartErrorOf(s.echo.echo({ text: 'slow', delayMs: 5_000 }, { deadline: 150 }));
    expect(err.status).toBe(Status.DEADLINE_EXCEEDED);
    await waitFor(() => probe.aborts.some((a) => a.method === 'echo'), 'the handler to see the abort');
    const aborts = probe.aborts.filter((a) => a.method === 'echo');
    expect(aborts).toHaveLength(1);
    expect((aborts[0]?.reason as { code: string }).code).toBe('ERR_DEADLINE_EXCEEDED');
  });

  it('breaking out of a server stream cancels it and runs the generator finally block', async () => {
    for await (const m of s.echo.count({ from: 0, to: 1_000, delayMs: 5, failAfter: -1 })) {
      if (m.index === 2) break;
    }
    await waitFor(() => probe.finallyRan > 0, "the generator's finally block");
    expect(probe.finallyRan).toBe(1);
    expect(probe.produced).toBeLessThan(50);
  });

  it('a bidi handler sees CANCELLED when the client goes away mid-stream', async () => {
    const controller = new AbortController();
    async function* forever() {
      yield { text: 'first' };
      await sleep(10_000); // then nothing more for a long time: the client goes away first
    }
    const got: string[] = [];
    const reading = (async () => {
      for await (const m of s.echo.chat(forever(), { signal: controller.signal })) {
        got.push(m.text);
        controller.abort();
      }
    })();
    const err = await rampartErrorOf(reading);
    expect(err.status).toBe(Status.CANCELLED);
    expect(got).toEqual(['FIRST']);
  });
});
