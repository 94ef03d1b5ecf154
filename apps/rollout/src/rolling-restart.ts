import type { Cluster, Replica } from './cluster/cluster.js';
import type { ServiceKind } from './cluster/cluster-env.js';

/** Timing of a rolling restart. */
export interface RolloutTiming {
  /** Between removing a replica from DNS and its SIGTERM: the lag of the endpoints update. */
  readonly endpointsLagMs: number;
  /** SIGKILL a replica that has not exited this long after SIGTERM (terminationGracePeriodSeconds). */
  readonly terminationGraceMs: number;
  /** Pause after one replica is replaced, before the next. */
  readonly betweenMs: number;
  /** Replace only this many replicas (default: every running one). */
  readonly replace?: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replaces every running replica of `kind`, one at a time, as a Deployment with maxSurge 1 and maxUnavailable 0
 * does: start the replacement (a new address) and wait until it reports SERVING, add it to DNS, remove the old one
 * from DNS, wait the endpoints lag, SIGTERM it and wait until it exits. Returns the replacements.
 */
export async function rollingRestart(
  cluster: Cluster,
  kind: ServiceKind,
  timing: RolloutTiming,
  log: (line: string) => void,
): Promise<Replica[]> {
  const started: Replica[] = [];
  for (const old of cluster.running(kind).slice(0, timing.replace)) {
    const replacement = await cluster.startReplica(kind);
    started.push(replacement);
    cluster.addToDns(replacement);
    log(`${replacement.id} (${replacement.address}) SERVING, added to DNS`);
    cluster.removeFromDns(old);
    await pause(timing.endpointsLagMs);
    log(`${old.id} (${old.address}) removed from DNS ${timing.endpointsLagMs} ms ago: SIGTERM`);
    await cluster.terminate(old, timing.terminationGraceMs);
    log(`${old.id} exited with ${String(old.exitCode)} after ${((Date.now() - (old.sigtermAt ?? 0)) / 1_000).toFixed(1)} s`);
    await pause(timing.betweenMs);
  }
  return started;
}
