import type { Logger } from '@rampart/core';

/** How long the process may stay alive after an orderly shutdown before it is ended (see {@link shutdownSignalHandler}). */
export const EXIT_WAIT_MS = 2_000;

/** What the signal handler does besides logging, injectable for tests. */
export interface SignalActions {
  readonly close: () => Promise<void>;
  readonly stopNow: () => void;
  /** Ends the process now; default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Records the exit status for a natural exit; default sets `process.exitCode` unless already set. */
  readonly setExitCode?: (code: number) => void;
  readonly exitWaitMs?: number;
}

/**
 * The handler of SIGTERM and SIGINT: the first runs `close` (the orderly shutdown of `shutdown.ts`), then ends the
 * process if something outside Rampart still holds the event loop `exitWaitMs` later (a TCP connect to a peer that
 * vanished, as a deleted pod's address does, keeps Node alive for minutes, and the kubelet would SIGKILL it at
 * terminationGracePeriodSeconds); a second signal runs `stopNow` and exits with 1 at once.
 */
export function shutdownSignalHandler(logger: Logger, actions: SignalActions): (signal: NodeJS.Signals) => void {
  const exit = actions.exit ?? ((code: number) => process.exit(code));
  const setExitCode = actions.setExitCode ?? ((code: number) => void (process.exitCode ??= code));
  const waitMs = actions.exitWaitMs ?? EXIT_WAIT_MS;
  let received = 0;
  return (signal) => {
    received += 1;
    if (received > 1) {
      logger.warn({ signal }, 'second signal: stopping now');
      actions.stopNow();
      exit(1);
      return;
    }
    logger.info({ signal }, 'signal received');
    const ended = (code: number): void => {
      setExitCode(code);
      // Unref'd: a process whose loop is empty exits on its own at once; this fires only if something holds it.
      setTimeout(() => {
        logger.warn({ waitedMs: waitMs }, 'still running after shutdown (something outside the app holds the event loop): exiting');
        exit(code);
      }, waitMs).unref();
    };
    actions.close().then(
      () => ended(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        ended(1);
      },
    );
  };
}

/**
 * Installs {@link shutdownSignalHandler} on SIGTERM and SIGINT. Returns the function that removes it.
 *
 * @example
 * ```ts
 * const remove = onShutdownSignals(logger, () => app.close(), () => server.forceShutdown());
 * ```
 */
export function onShutdownSignals(logger: Logger, close: () => Promise<void>, stopNow: () => void): () => void {
  const handler = shutdownSignalHandler(logger, { close, stopNow });
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

/** The reloads registered with {@link onReloadSignal}, and the one process listener that runs them. */
const reloads = new Set<{ readonly reload: (signal: NodeJS.Signals) => void }>();
let reloadListener: ((signal: NodeJS.Signals) => void) | undefined;

/**
 * Runs `reload` on SIGHUP (sent by certificate helpers such as spiffe-helper after they write new files). Every app
 * in the process shares one SIGHUP listener: the first registration installs it, removing the last one removes it.
 * While it is installed a SIGHUP no longer ends the process (Node's default for SIGHUP). Returns the function that
 * removes the registration.
 *
 * @example
 * ```ts
 * const remove = onReloadSignal(() => void app.reload('SIGHUP'));
 * ```
 */
export function onReloadSignal(reload: (signal: NodeJS.Signals) => void): () => void {
  const entry = { reload };
  reloads.add(entry);
  if (reloadListener === undefined) {
    reloadListener = (signal) => {
      for (const { reload: run } of [...reloads]) run(signal);
    };
    process.on('SIGHUP', reloadListener);
  }
  return () => {
    reloads.delete(entry);
    if (reloads.size === 0 && reloadListener !== undefined) {
      process.off('SIGHUP', reloadListener);
      reloadListener = undefined;
    }
  };
}
