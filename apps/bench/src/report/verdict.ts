import type { Target } from '../result-types.js';

/** A target's verdict in words, for every report: `PASS`, `MISS`, `PASS, unsettled`, `MISS, unsettled` or `n/a`. */
export function verdictText(target: Target): string {
  if (target.pass === null) return 'n/a';
  const word = target.pass ? 'PASS' : 'MISS';
  return target.settled === false ? `${word}, unsettled` : word;
}
