import type { ChaosSystem } from '../system/chaos-system.js';

/** What a fault's steps can use. */
export interface FaultContext {
  readonly system: ChaosSystem;
  readonly log: (line: string) => void;
  /** Waits, scaled down in --quick runs where the fault allows it. */
  readonly pause: (ms: number) => Promise<void>;
  readonly quick: boolean;
  /** Access token lifetime at the issuer (s). */
  readonly tokenTtlSec: number;
}

/** One event of the schedule. */
export interface Fault {
  readonly name: string;
  /**
   * A planned event (rotations, key rotation, reload, rolling restart): no valid call may fail. An unplanned fault
   * (outages, kills, partitions) may fail valid calls, but only with the statuses in `allowed`, and must recover.
   */
  readonly planned: boolean;
  /** Statuses valid calls may end with during an unplanned fault (empty: none may fail). */
  readonly allowed: readonly string[];
  /** The documented outcome, printed beside what happened. */
  readonly expected: string;
  /** Part of the --quick schedule. */
  readonly quick: boolean;
  run(ctx: FaultContext): Promise<void>;
}
