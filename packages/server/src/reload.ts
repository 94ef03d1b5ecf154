import type { Logger } from '@rampart/core';
import type { Lifecycle } from './lifecycle.js';
import type { ServerTransport, TransportReload } from './tls/server-transport.js';

/**
 * What {@link reloadApp} needs: the app's transport (absent before `listen()`), its lifecycle and logger.
 *
 * @example
 * ```ts
 * const parts: ReloadParts = { transport, lifecycle, logger };
 * ```
 */
export interface ReloadParts {
  readonly transport: ServerTransport | undefined;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

/**
 * Re-reads the app's TLS certificate, key and trust bundles now, logs what each did (an error line when one was
 * refused: the previous one stays in use), then runs the plugins' `onReload` hooks (the clients' own files). Never
 * rejects: a reload must not take a serving app down.
 *
 * @example
 * ```ts
 * process.on('SIGHUP', () => void reloadApp({ transport, lifecycle, logger }, 'SIGHUP'));
 * ```
 */
export async function reloadApp(parts: ReloadParts, trigger: string): Promise<TransportReload> {
  const { transport, lifecycle, logger } = parts;
  let reloaded: TransportReload = {};
  try {
    reloaded = (await transport?.reload?.()) ?? {};
  } catch (error) {
    logger.error({ trigger, err: error }, 'TLS files could not be re-read');
  }
  if (Object.keys(reloaded).length > 0) {
    const refused = Object.values(reloaded).some((outcome) => outcome.result === 'refused');
    if (refused) logger.error({ trigger, ...reloaded }, 'TLS files re-read: some refused, the previous ones stay in use');
    else logger.info({ trigger, ...reloaded }, 'TLS files re-read');
  }
  await lifecycle.run('onReload', logger);
  return reloaded;
}
