import { caRotation, clientRotation, reloadSignal, serverRotationAtomic, serverRotationInPlace } from './certificate-faults.js';
import type { Fault } from './fault.js';
import { latencyAndLoss, partition, redisDown, redisFrozen, replicaKilled, rollingRestartFault } from './infrastructure-faults.js';
import { issuerDown, issuerSlow, jwksRotation } from './issuer-faults.js';

/** Every fault, in the order a full run takes them: planned events first, then outages, kills and the network. */
export const SCHEDULE: readonly Fault[] = [
  serverRotationAtomic,
  serverRotationInPlace,
  clientRotation,
  caRotation,
  reloadSignal,
  jwksRotation,
  rollingRestartFault,
  issuerSlow,
  issuerDown,
  redisDown,
  redisFrozen,
  replicaKilled,
  partition,
  latencyAndLoss,
];

/** The faults of a run: the quick subset, or those named (case-insensitive substrings), or all. */
export function selectFaults(options: { quick: boolean; only: readonly string[] }): Fault[] {
  if (options.only.length > 0) {
    const picked = SCHEDULE.filter((f) => options.only.some((o) => f.name.toLowerCase().includes(o.toLowerCase())));
    if (picked.length === 0) throw new Error(`--only ${options.only.join(',')} names no fault; the faults: ${SCHEDULE.map((f) => f.name).join('; ')}`);
    return picked;
  }
  return SCHEDULE.filter((f) => !options.quick || f.quick);
}
