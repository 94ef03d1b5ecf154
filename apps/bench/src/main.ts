/**
 * `pnpm bench [--quick]`: runs every scenario alternately, writes `results/latest.{json,md,svg}` and prints the
 * Markdown table. Other flags: `--rounds N`, `--epochs N` (fresh processes N times), `--measure-ms N`, `--only a,b`, `--no-memory`, `--no-pin`,
 * `--client lite|node-http2` (the generator's HTTP/2 client; default lite),
 * `--profile` (servers run with `--cpu-prof`, profiles in `results/profiles/`), `--server-node-args="<flags>"` (the
 * same Node/V8 flags for every server process, e.g. a larger young generation), `--no-settle-gc` (no major GC in
 * each window's warm-up, see `Settings.settleGc`), `--server-output <dir>` (keep each server's stdout there, e.g.
 * with `--server-node-args=--trace-gc-nvp`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { canPin } from './child.js';
import type { ClientKind } from './load/transport.js';
import { RESULTS_DIR } from './paths.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSvg } from './report/svg.js';
import { runBench } from './run.js';
import { FULL, QUICK, SCENARIO_NAMES, type ScenarioName, type Settings } from './scenarios.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    epochs: { type: 'string' },
    'measure-ms': { type: 'string' },
    only: { type: 'string' },
    'no-memory': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'no-settle-gc': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    client: { type: 'string' },
    'server-node-args': { type: 'string' },
    'server-output': { type: 'string' },
  },
  strict: true,
});

const base: Settings = values.quick ? QUICK : FULL;
const positive = (text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${text}`);
  return n;
};
function clientKind(text: string | undefined): ClientKind {
  if (text === undefined) return base.client;
  if (text !== 'lite' && text !== 'node-http2') throw new Error(`--client must be lite or node-http2, got ${text}`);
  return text;
}
const settings: Settings = {
  ...base,
  rounds: positive(values.rounds, base.rounds),
  epochs: positive(values.epochs, base.epochs),
  measureMs: positive(values['measure-ms'], base.measureMs),
  client: clientKind(values.client),
  serverNodeArgs: values['server-node-args']?.split(' ').filter((a) => a !== '') ?? base.serverNodeArgs,
  settleGc: !values['no-settle-gc'],
  ...(values['no-memory'] ? { memorySmall: 0, memoryLarge: 0 } : {}),
};
const only = values.only?.split(',').map((s) => s.trim());
for (const name of only ?? []) {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name} (known: ${SCENARIO_NAMES.join(', ')})`);
}
const scenarios = (only as ScenarioName[] | undefined) ?? [...SCENARIO_NAMES];
const pin = !values['no-pin'] && canPin();
if (!pin) console.error('note: not pinning processes to cores (no taskset, fewer than two cores, or --no-pin)');

function mkdirReturning(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

const t0 = performance.now();
const results = await runBench({
  settings,
  scenarios,
  pin,
  profile: values.profile,
  ...(values['server-output'] === undefined ? {} : { serverOutputDir: mkdirReturning(values['server-output']) }),
  log: (line) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`),
});
mkdirSync(RESULTS_DIR, { recursive: true });
const markdown = renderMarkdown(results);
writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
writeFileSync(join(RESULTS_DIR, 'latest.svg'), renderSvg(results));
console.log(markdown);
console.log(`(${results.duration_s} s; written to ${join(RESULTS_DIR, 'latest.{json,md,svg}')})`);
const errors = Object.values(results.scenarios).reduce((sum, s) => sum + s.errors, 0) + (results.memory?.errors ?? 0);
if (errors > 0) {
  console.error(`${errors} calls failed: the figures are not valid`);
  process.exitCode = 1;
}
