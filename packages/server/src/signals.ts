import type { Logger } from '@rampart/core';

/**
 * Runs `close` on the first SIGTERM or SIGINT (the orderly shutdown of `shutdown.ts`) and `stopNow` then
 * `process.exit(1)` on a second one. Returns the function that removes the handlers.
 *
 * @example
 * ```ts
 * const remove = onShutdownSignals(logger, () => app.close(), () => server.forceShutdown());
 * ```
 */
export function onShutdownSignals(logger: Logger, close: () => Promise<void>, stopNow: () => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received > 1) {
      logger.warn({ signal }, 'second signal: stopping now');
      stopNow();
      process.exit(1);
    }
    logger.info({ signal }, 'signal received');
    close().then(
      () => {
        process.exitCode ??= 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
