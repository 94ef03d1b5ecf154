import type { Logger } from '@rampart/core';
import { waitFor } from '@rampart/test-support';
import { describe, expect, it, vi } from 'vitest';
import { shutdownSignalHandler } from '../src/signals.js';

const logger = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  const log = (_: unknown, msg?: string): void => void lines.push(msg ?? '');
  return { lines, info: log, warn: log, error: log, debug: log, trace: log, fatal: log, child: () => logger() } as unknown as Logger & { lines: string[] };
};
/** A close hook that takes `ms`. */
const closeTaking = (ms: number) => (): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the shutdown signal handler', () => {
  it('runs the orderly shutdown, then ends a process that something else keeps alive (a connect to a vanished pod)', async () => {
    const log = logger();
    const exit = vi.fn();
    const codes: number[] = [];
    const handler = shutdownSignalHandler(log, { close: closeTaking(20), stopNow: vi.fn(), exit, setExitCode: (c) => codes.push(c), exitWaitMs: 100 });
    handler('SIGTERM');
    await waitFor(() => codes.length > 0, 'the orderly shutdown to set the exit code');
    expect(codes).toEqual([0]);
    expect(exit).not.toHaveBeenCalled(); // a process whose loop is empty would have exited on its own by now
    await waitFor(() => exit.mock.calls.length > 0, 'the exit once exitWaitMs passed');
    expect(exit).toHaveBeenCalledWith(0);
    expect(log.lines).toEqual(['signal received', 'still running after shutdown (something outside the app holds the event loop): exiting']);
  });

  it('exits with 1 after a failed shutdown, and at once on a second signal', async () => {
    const exit = vi.fn();
    const stopNow = vi.fn();
    const codes: number[] = [];
    const handler = shutdownSignalHandler(logger(), { close: () => new Promise(() => undefined), stopNow, exit, setExitCode: (c) => codes.push(c), exitWaitMs: 50 });
    handler('SIGTERM');
    handler('SIGINT');
    expect(stopNow).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(1);

    const failing = vi.fn();
    shutdownSignalHandler(logger(), { close: () => Promise.reject(new Error('hook failed')), stopNow: vi.fn(), exit: failing, setExitCode: (c) => codes.push(c), exitWaitMs: 30 })('SIGTERM');
    await waitFor(() => failing.mock.calls.length > 0, 'the exit after the failed shutdown');
    expect(codes).toEqual([1]);
    expect(failing).toHaveBeenCalledWith(1);
  });
});
