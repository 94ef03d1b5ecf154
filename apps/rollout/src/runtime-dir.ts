import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's git-ignored runtime folder (`.rampart/`), where dev keys and certificates are generated. */
export const RUNTIME_DIR = fileURLToPath(new URL('../../../.rampart/', import.meta.url));

/** This run's own folder: its PKI and the issuer's keys, removed when the run ends. */
export function runDir(runId: number): string {
  return join(RUNTIME_DIR, 'rollout', `run-${runId}`);
}

/** Where results (JSON, SVG) are written: `apps/rollout/results/`. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
