/**
 * `node apps/bench/dist/handler-loop-main.js [--calls N] [--rounds N]`: prints {@link handlerLoop}'s figures, CPU
 * time per call of the bare grpc-js handler and of Rampart's, and the difference (see `handler-loop.ts`).
 */
import { parseArgs } from 'node:util';
import { BARE, handlerLoop } from './handler-loop.js';
import { median } from './stats.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, rounds: { type: 'string' } }, strict: true });
const calls = Number(values.calls ?? 200_000);
const rounds = Number(values.rounds ?? 7);
if (!Number.isInteger(calls) || calls <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
  console.error('usage: node apps/bench/dist/handler-loop-main.js [--calls N] [--rounds N] (positive integers)');
  process.exit(2);
}
const results = await handlerLoop(calls, rounds);
const bare = median(results.get(BARE) ?? []);
console.log(`${calls.toLocaleString('en-US')} calls per round, ${rounds} rounds alternating, 32 in flight; CPU per call, median (min-max):`);
for (const [name, list] of results) {
  const m = median(list);
  const extra = name === BARE ? '' : `  Rampart's own work: +${(m - bare).toFixed(2)} µs`;
  console.log(`  ${name.padEnd(26)} ${m.toFixed(2)} µs (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})${extra}`);
}
