import { credentials } from '@grpc/grpc-js';
import { closeClient, createClient } from '@rampart/client';
import { Status, type Interceptor } from '@rampart/core';
import { createLogger } from '@rampart/telemetry';
import { collect, rejectionOf } from '@rampart/test-support';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { freePort, protoRoot, startEchoApp, testConfigValues, type Started } from './fixtures/harness.js';
import { healthClient } from './fixtures/raw-clients.js';
import { EchoServiceDescriptor } from './generated/index.js';

// Issue 17, item 4: on shutdown, health goes NOT_SERVING on both ports first, calls are served normally for
// server.drainDelayMs, then GOAWAY, then in-flight calls get server.shutdownGraceMs, then the rest are cancelled.

beforeEach(() => probe.reset());

/** A logger that keeps every line, parsed. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'shutdown-test', level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) } });
  return { logger, lines };
}
const stepsOf = (lines: Record<string, unknown>[]) => lines.flatMap((l) => (typeof l.step === 'string' ? [l.step] : []));

/** Counts the calls an app's handlers receive. */
function counter(): { interceptor: Interceptor; count: () => number } {
  let calls = 0;
  return {
    interceptor: { name: 'count', forMethod: () => ({ onStart: () => void (calls += 1) }) },
    count: () => calls,
  };
}

describe('shutdown sequence', () => {
  it('NOT_SERVING on the health port first (a Watch sees it), calls succeed during the drain delay, then GOAWAY, each step logged', async () => {
    const { logger, lines } = capturingLogger();
    const healthPort = await freePort();
    const s = await startEchoApp({ logger, values: { server: { ...testConfigValues.server, healthPort } } });
    const watched: { status: string; at: number }[] = [];
    const watcher = healthClient(s.app.healthAddress() as string);
    watcher.watch('', (status) => watched.push({ status, at: Date.now() }));
    await vi.waitFor(() => expect(watched.map((w) => w.status)).toEqual(['SERVING']), { timeout: 5_000 });

    const closing = s.app.close({ drainDelayMs: 1_500, graceMs: 2_000 });
    await vi.waitFor(() => expect(watched.map((w) => w.status)).toEqual(['SERVING', 'NOT_SERVING']), { timeout: 5_000 });
    // The drain delay: the service port serves as before, on the client's connection and on a new one.
    expect(await s.echo.echo({ text: 'during the drain delay' })).toEqual({ text: 'during the drain delay', index: 0 });
    const fresh = createClient(EchoServiceDescriptor, { address: s.address, protoRoot, credentials: credentials.createInsecure() });
    expect(await fresh.echo({ text: 'new connection' })).toEqual({ text: 'new connection', index: 0 });
    closeClient(fresh);
    await closing;
    watcher.close();

    expect(stepsOf(lines)).toEqual(['not-serving', 'drain-delay', 'goaway', 'drained', 'health-closed', 'stopped']);
    const goaway = lines.find((l) => l.step === 'goaway') as { atMs: number; time: number };
    const notServingSeen = (watched[1] as { at: number }).at;
    expect(notServingSeen).toBeLessThanOrEqual(goaway.time);
    expect(goaway.atMs).toBeGreaterThanOrEqual(1_500); // the delay was waited out, not skipped
    expect(probe.calls).toEqual(['echo', 'echo']);
    const late = await rejectionOf(s.echo.echo({ text: 'after' }, { deadline: 1_000 }));
    expect((late as { status: number }).status).toBe(Status.UNAVAILABLE);
  });

  it('an in-flight server stream runs to its end within the grace, and is not cancelled', async () => {
    const { logger, lines } = capturingLogger();
    const s = await startEchoApp({ logger });
    const stream = collect(s.echo.count({ from: 0, to: 8, delayMs: 100, failAfter: -1 }));
    await vi.waitFor(() => expect(probe.produced).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    await s.app.close({ drainDelayMs: 0, graceMs: 10_000 });
    expect((await stream).map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(probe.aborts).toEqual([]);
    expect(stepsOf(lines)).toEqual(['not-serving', 'goaway', 'drained', 'stopped']);
  });

  it('a call still running when the grace ends is cancelled, and the step says so', async () => {
    const { logger, lines } = capturingLogger();
    const s = await startEchoApp({ logger });
    const pending = s.echo.echo({ text: 'too slow', delayMs: 20_000 });
    await vi.waitFor(() => expect(probe.calls).toEqual(['echo']), { timeout: 5_000 });
    await s.app.close({ drainDelayMs: 0, graceMs: 200 });
    await rejectionOf(pending);
    expect(stepsOf(lines)).toEqual(['not-serving', 'goaway', 'cancel', 'stopped']);
    expect(lines.find((l) => l.step === 'cancel')).toMatchObject({ level: 40, cancelled: 1 });
  });

  it('after GOAWAY a client of several servers moves to the others without a failed call', async () => {
    const counters = [counter(), counter()];
    const apps: Started[] = [];
    for (const c of counters) apps.push(await startEchoApp({ interceptors: [c.interceptor] }));
    const [a, b] = apps as [Started, Started];
    const target = `ipv4:${a.address},${b.address}`;
    const client = createClient(EchoServiceDescriptor, {
      address: target,
      protoRoot,
      credentials: credentials.createInsecure(),
      channelOptions: { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) },
    });
    const failures: unknown[] = [];
    let ok = 0;
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        try {
          await client.echo({ text: 'x', delayMs: 20 }, { deadline: 10_000 });
          ok += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = [0, 1, 2, 3, 4, 5].map(() => worker());
    try {
      await vi.waitFor(() => expect(Math.min(...counters.map((c) => c.count()))).toBeGreaterThan(5), { timeout: 10_000 });
      await a.app.close({ drainDelayMs: 300, graceMs: 5_000 });
      const bBefore = counters[1]!.count();
      const okBefore = ok;
      await vi.waitFor(() => expect(ok - okBefore).toBeGreaterThan(30), { timeout: 10_000 });
      running = false;
      await Promise.all(workers);
      expect(failures).toEqual([]);
      expect(counters[1]!.count() - bBefore).toBeGreaterThan(30); // B served the calls made after A stopped
    } finally {
      running = false;
      closeClient(client);
      await b.close();
      await sleep(0); // one turn of the event loop for the closed client's last callbacks
    }
  });
});
