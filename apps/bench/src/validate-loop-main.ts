/**
 * `node apps/bench/dist/validate-loop-main.js [--calls N] [--rounds N]`: CPU time per call of a `PlaceOrder` call in
 * process without and with `rampartValidate()`, and the difference (see `validate-loop.ts`).
 */
import { parseArgs } from 'node:util';
import { median } from './stats.js';
import { validateLoop } from './validate-loop.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
const calls = Number(values.calls ?? 50_000);
const rounds = Number(values.rounds ?? 7);
if (!Number.isInteger(calls) || calls <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
  console.error('usage: node apps/bench/dist/validate-loop-main.js [--calls N] [--rounds N] (positive integers)');
  process.exit(2);
}
const results = await validateLoop(calls, rounds);
const without = median(results.without);
const withValidation = median(results.with);
const range = (list: number[]): string => `${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)}`;
console.log(`Node ${process.version}; ${calls.toLocaleString('en-US')} PlaceOrder calls per round in process, ${rounds} rounds alternating, 32 in flight; CPU per call, median (min-max):`);
console.log(`  without validation  ${without.toFixed(2)} µs (${range(results.without)})`);
console.log(`  rampartValidate()   ${withValidation.toFixed(2)} µs (${range(results.with)})  +${(withValidation - without).toFixed(2)} µs (${(withValidation / without).toFixed(2)}×)`);
