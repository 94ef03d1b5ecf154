import type { Server } from '@grpc/grpc-js';
import { RampartError, type Logger } from '@rampart/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallState } from './call-state.js';
import type { HealthReporter } from './health.js';
import type { InFlightCalls } from './in-flight.js';
import type { Lifecycle } from './lifecycle.js';

/** What {@link shutDown} stops, and how long each step may take. */
export interface ShutdownPlan {
  readonly name: string;
  readonly logger: Logger;
  /** The service port's server. */
  readonly server: Server;
  /** The plaintext health port's server, if there is one: closed last. */
  readonly healthServer: Server | undefined;
  readonly health: HealthReporter;
  readonly inFlight: InFlightCalls<CallState>;
  readonly lifecycle: Lifecycle;
  /** Calls are still served normally for this long after NOT_SERVING (`server.drainDelayMs`). */
  readonly drainDelayMs: number;
  /** In-flight calls may run this long after GOAWAY (`server.shutdownGraceMs`). */
  readonly graceMs: number;
  /** Stops watching the TLS files. */
  readonly closeTransport: () => void;
}

/**
 * Shuts a listening app down in the order a rolling update needs (ADR 0021), logging each step with the
 * milliseconds since shutdown began (`atMs`):
 * 1. `not-serving`: health reports NOT_SERVING for every service, on the service port and the health port, so
 *    readiness probes fail and watchers (load balancers, the kubelet) take the pod out; `onShutdown` hooks run.
 * 2. `drain-delay`: for `drainDelayMs` the app goes on serving calls normally, new connections included, while the
 *    endpoints controller removes the pod from Services and clients stop picking it.
 * 3. `goaway`: no new calls (grpc-js `tryShutdown`: the listening sockets close and every connection gets GOAWAY,
 *    so clients move their next calls to other servers); calls in flight run on for up to `graceMs`.
 * 4. `drained`, or `cancel` when the grace ran out: the calls still running are aborted (their handlers see
 *    `ctx.signal` abort with ERR_UNAVAILABLE) and every connection is closed (`forceShutdown`).
 * 5. `health-closed`: the health port closes last, so probes get answers (NOT_SERVING) until the end.
 *
 * @example
 * ```ts
 * await shutDown({ name, logger, server, healthServer, health, inFlight, lifecycle, drainDelayMs: 5_000, graceMs: 10_000, closeTransport });
 * ```
 */
export async function shutDown(plan: ShutdownPlan): Promise<void> {
  const { logger, drainDelayMs, graceMs } = plan;
  const started = performance.now();
  const at = (): number => Math.round(performance.now() - started);

  plan.health.setAll('NOT_SERVING');
  logger.info(
    { step: 'not-serving', atMs: at(), drainDelayMs, graceMs, inFlight: plan.inFlight.size },
    `${plan.name} shutting down: health reports NOT_SERVING on every port`,
  );
  await plan.lifecycle.run('onShutdown', logger);

  if (drainDelayMs > 0) {
    logger.info({ step: 'drain-delay', atMs: at(), drainDelayMs }, 'serving calls while endpoints and clients drop this server');
    const left = drainDelayMs - (performance.now() - started);
    if (left > 0) await sleep(left);
  }

  logger.info(
    { step: 'goaway', atMs: at(), inFlight: plan.inFlight.size, graceMs },
    'accepting no new calls: GOAWAY sent on every connection, in-flight calls may finish',
  );
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    new Promise<boolean>((resolve) => plan.server.tryShutdown(() => resolve(true))),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (drained) {
    logger.info({ step: 'drained', atMs: at() }, 'every call finished');
  } else {
    logger.warn({ step: 'cancel', atMs: at(), cancelled: plan.inFlight.size }, 'shutdown grace period over: cancelling in-flight calls');
    const reason = new RampartError('ERR_UNAVAILABLE', 'server shutting down');
    for (const state of plan.inFlight) state.ctx.abort(reason);
    plan.server.forceShutdown();
  }
  plan.closeTransport();
  if (plan.healthServer !== undefined) {
    plan.healthServer.forceShutdown();
    logger.info({ step: 'health-closed', atMs: at() }, 'health port closed');
  }
}
