/**
 * `node apps/bench/dist/handler-loop-main.js [--calls N] [--rounds N] [--redis URL]`: prints {@link handlerLoop}'s
 * figures, CPU time per call of the bare grpc-js handler and of Rampart's, and the difference (see `handler-loop.ts`);
 * the rate-limited variants also against full auth alone. With `--redis`, a variant whose limit is kept on that Redis,
 * and the wall time per call one at a time (the round trip).
 */
import { parseArgs } from 'node:util';
import { BARE, FULL_AUTH, handlerLoop, RATE_LIMITED, RATE_LIMITED_REDIS } from './handler-loop.js';
import { median } from './stats.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, rounds: { type: 'string' }, redis: { type: 'string' } }, strict: true });
const calls = Number(values.calls ?? 200_000);
const rounds = Number(values.rounds ?? 7);
if (!Number.isInteger(calls) || calls <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
  console.error('usage: node apps/bench/dist/handler-loop-main.js [--calls N] [--rounds N] [--redis redis://host:port] (positive integers)');
  process.exit(2);
}
const { cpu, latency } = await handlerLoop(calls, rounds, values.redis === undefined ? {} : { redisUrl: values.redis });
const bare = median(cpu.get(BARE) ?? []);
const fullAuth = median(cpu.get(FULL_AUTH) ?? []);
console.log(`${calls.toLocaleString('en-US')} calls per round, ${rounds} rounds alternating, 32 in flight; CPU per call, median (min-max):`);
for (const [name, list] of cpu) {
  const m = median(list);
  const extra = name === BARE ? '' : `  Rampart's own work: +${(m - bare).toFixed(2)} µs`;
  const limiter = name === RATE_LIMITED || name === RATE_LIMITED_REDIS ? ` (the limiter: +${(m - fullAuth).toFixed(2)} µs, ${(m / fullAuth).toFixed(3)}×)` : '';
  console.log(`  ${name.padEnd(34)} ${m.toFixed(2)} µs (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})${extra}${limiter}`);
}
if (latency !== undefined) {
  console.log(
    `one call at a time, wall time per call: full auth ${latency.fullAuthUs.toFixed(1)} µs, with the limit on Redis ${latency.redisUs.toFixed(1)} µs (+${(latency.redisUs - latency.fullAuthUs).toFixed(1)} µs)`,
  );
}
