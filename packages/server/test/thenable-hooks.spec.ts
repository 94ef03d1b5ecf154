import { RampartError, Status, type Interceptor } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

// Issue 16 item 9: an onStart hook that returns a thenable which is not a native Promise is awaited, not taken for
// a synchronous success; a hook that returns any other value refuses the call. For all four call kinds, through a
// real server: the status, the log line, and that no handler code ran.

/** Settles later, like a promise from another library or realm would: not `instanceof Promise`. */
const laterThenable = (outcome: 'resolve' | 'reject'): PromiseLike<void> => ({
  then(resolve, reject) {
    setTimeout(() => {
      if (outcome === 'resolve') resolve?.(undefined);
      else reject?.(new RampartError('ERR_PERMISSION_DENIED', 'permission denied', { reason: 'the thenable refused' }));
    }, 5);
    return this as PromiseLike<never>;
  },
});

/** An interceptor whose hook answers as the call's `x-hook` metadata says; `second` records that it ran after. */
const after: string[] = [];
const thenables: Interceptor = {
  name: 'thenables',
  forMethod: () => ({
    onStart(ctx) {
      const how = ctx.metadata.get('x-hook')[0];
      if (how === 'reject' || how === 'resolve') return laterThenable(how) as Promise<void>;
      if (how === 'false') return false as unknown as undefined; // a hook written as a predicate
      return undefined;
    },
  }),
};
const second: Interceptor = { name: 'second', forMethod: () => ({ onStart: () => void after.push('second') }) };

const lines: string[] = [];
let s: Started;
beforeAll(async () => {
  const logger = createLogger({ name: 'thenables', level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  s = await startEchoApp({ interceptors: [thenables, second], logger });
});
afterAll(() => s.close());
beforeEach(() => {
  probe.reset();
  lines.length = 0;
  after.length = 0;
});

const kinds: [string, (hook: string) => Promise<unknown>][] = [
  ['unary', (hook) => s.echo.echo({ text: 'a' }, { metadata: { 'x-hook': hook } })],
  ['server streaming', (hook) => collect(s.echo.count({ from: 0, to: 3, failAfter: -1 }, { metadata: { 'x-hook': hook } }))],
  ['client streaming', (hook) => s.echo.collect([{ text: 'a' }, { text: 'b' }], { metadata: { 'x-hook': hook } })],
  ['bidi', (hook) => collect(s.echo.chat([{ text: 'a' }], { metadata: { 'x-hook': hook } }))],
];

const logged = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('an onStart hook that returns a non-native thenable', () => {
  it.each(kinds)('%s: a thenable that rejects refuses the call before any handler code runs', async (_kind, call) => {
    const err = await rampartErrorOf(call('reject'));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(err.message).toBe('permission denied');
    expect(probe.calls).toEqual([]);
    expect(probe.received).toEqual([]);
    expect(after).toEqual([]);
    expect(logged()).toContainEqual(expect.objectContaining({ code: 'ERR_PERMISSION_DENIED', reason: 'the thenable refused' }));
  });

  it.each(kinds)('%s: a thenable that resolves lets the call through once it settled, then the next hook runs', async (_kind, call) => {
    await call('resolve');
    expect(after).toEqual(['second']);
    expect(probe.calls).toHaveLength(1);
  });

  it.each(kinds)('%s: a hook that returns a value (false) refuses the call with INTERNAL, saying why in the log', async (_kind, call) => {
    const err = await rampartErrorOf(call('false'));
    expect(err.status).toBe(Status.INTERNAL);
    expect(err.message).toBe('internal error');
    expect(probe.calls).toEqual([]);
    expect(after).toEqual([]);
    const line = logged().find((l) => l.msg === 'handler failed');
    expect(JSON.stringify(line)).toContain('onStart hook 1 of 2 on /rampart.test.v1.EchoService/');
    expect(JSON.stringify(line)).toContain('returned boolean false');
  });
});
