import type { Logger } from '@rampart/core';
import type { HealthReporter } from '../health.js';
import type { ServerTransport } from './server-transport.js';

/**
 * Keeps the app's health in step with its transport's: NOT_SERVING while the transport cannot keep its certificate
 * valid (a Workload API agent gone and the SVID about to expire), SERVING again once it can, while `serving()` says
 * the app is otherwise up (not starting, not draining). Returns the function that stops following.
 */
export function followTransportHealth(transport: ServerTransport, health: HealthReporter, logger: Logger, serving: () => boolean): () => void {
  const source = transport.health;
  if (source === undefined) return () => undefined;
  const apply = (healthy: boolean): void => {
    if (!serving()) return;
    health.setAll(healthy ? 'SERVING' : 'NOT_SERVING');
    if (healthy) logger.info('the transport can keep its certificate valid again: SERVING');
    else logger.error('the transport cannot renew its certificate before it expires: NOT_SERVING until it can');
  };
  const stop = source.subscribe(apply);
  if (!source.healthy()) apply(false);
  return stop;
}
