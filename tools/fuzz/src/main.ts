import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_PATHS } from './run/fuzz-paths.js';
import { readFigures, type RunFigures } from './run/libfuzzer-output.js';
import { TARGETS, type TargetSpec } from './run/target-list.js';

/**
 * `pnpm fuzz [--seconds N | --runs N] [target…]`: each target (all by default) under Jazzer.js, one after another, for
 * a fixed budget (default 20 s each, or RAMPART_FUZZ_SECONDS), starting from its committed seeds and the corpus grown
 * by earlier runs (`out/corpus`, git-ignored). Prints one line per target (executions, coverage, finding) and exits
 * non-zero when any target found a crash, a broken invariant or a timeout; the input is saved in `out/crashes/`.
 */

const DEFAULT_SECONDS = 20;
/** Largest input libFuzzer makes; each target's inputs are texts or documents of a few KiB. */
const MAX_LEN = 8_192;
/** One input running longer than this is a finding (a hang). */
const INPUT_TIMEOUT_MS = 10_000;

interface Budget {
  readonly seconds: number | undefined;
  readonly runs: number | undefined;
}

interface Outcome extends RunFigures {
  readonly target: string;
  readonly seconds: number;
  readonly exitCode: number | null;
}

function parseArgs(argv: readonly string[]): { budget: Budget; names: string[] } {
  let seconds: number | undefined = Number(process.env['RAMPART_FUZZ_SECONDS'] ?? DEFAULT_SECONDS);
  let runs: number | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--seconds' || arg === '--runs') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value <= 0) throw new Error(`${arg} needs a positive whole number`);
      if (arg === '--seconds') seconds = value;
      else [runs, seconds] = [value, undefined];
    } else if (arg === '--') {
      continue;
    } else if (TARGETS.some((t) => t.name === arg)) {
      names.push(arg);
    } else {
      throw new Error(`unknown argument ${arg}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
    }
  }
  if (seconds !== undefined && (!Number.isFinite(seconds) || seconds <= 0)) throw new Error('RAMPART_FUZZ_SECONDS must be a positive number');
  return { budget: { seconds, runs }, names };
}

function jazzerArgs(target: TargetSpec, budget: Budget): string[] {
  const seeds = join(FUZZ_PATHS.corpus, target.name);
  const grown = join(FUZZ_PATHS.out, 'corpus', target.name);
  const crashes = join(FUZZ_PATHS.out, 'crashes', target.name);
  mkdirSync(grown, { recursive: true });
  mkdirSync(crashes, { recursive: true });
  const dictionary = join(FUZZ_PATHS.corpus, `${target.name}.dict`);
  return [
    join(FUZZ_PATHS.dist, 'targets', `${target.name}.js`),
    grown,
    seeds,
    ...(target.async ? [] : ['--sync']),
    ...target.instrument.flatMap((part) => ['-i', part]),
    `--timeout=${INPUT_TIMEOUT_MS}`,
    '--',
    budget.runs === undefined ? `-max_total_time=${budget.seconds ?? DEFAULT_SECONDS}` : `-runs=${budget.runs}`,
    `-artifact_prefix=${crashes}/`,
    `-max_len=${MAX_LEN}`,
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    ...(existsSync(dictionary) ? [`-dict=${dictionary}`] : []),
  ];
}

function runTarget(target: TargetSpec, budget: Budget): Promise<Outcome> {
  const logFile = join(FUZZ_PATHS.out, 'logs', `${target.name}.log`);
  mkdirSync(join(FUZZ_PATHS.out, 'logs'), { recursive: true });
  const log = createWriteStream(logFile);
  const started = Date.now();
  const child = spawn(process.execPath, [join(FUZZ_PATHS.dist, 'jazzer', 'run-jazzer.js'), join(FUZZ_PATHS.out, 'addon'), ...jazzerArgs(target, budget)], {
    cwd: FUZZ_PATHS.root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 4_000_000) output = output.slice(-1_000_000);
    log.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      log.end();
      resolve({ target: target.name, seconds: (Date.now() - started) / 1000, exitCode, ...readFigures(output) });
    });
  });
}

function line(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ').trimEnd();
}

async function main(): Promise<void> {
  const { budget, names } = parseArgs(process.argv.slice(2));
  const targets = names.length === 0 ? TARGETS : TARGETS.filter((t) => names.includes(t.name));
  const widths = [17, 8, 11, 8, 9, 7, 40];
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say(`fuzz: ${targets.length} target(s), ${budget.runs === undefined ? `${budget.seconds} s` : `${budget.runs} runs`} each, Jazzer.js (libFuzzer); logs in out/logs`);
  say(line(['target', 'seconds', 'executions', 'exec/s', 'coverage', 'corpus', 'result'], widths));
  const outcomes: Outcome[] = [];
  for (const target of targets) {
    const o = await runTarget(target, budget);
    outcomes.push(o);
    const failed = o.exitCode !== 0;
    const result = !failed ? 'no crash' : o.finding !== undefined ? `FINDING ${o.findingSummary ?? ''} -> ${o.finding}` : `FAILED (exit ${o.exitCode}, see out/logs/${o.target}.log)`;
    say(line([o.target, o.seconds.toFixed(1), o.executions, Math.round(o.executions / o.seconds), o.coverage, o.corpusEntries, result], widths));
  }
  writeFileSync(join(FUZZ_PATHS.out, 'last-run.json'), `${JSON.stringify({ budget, outcomes }, null, 2)}\n`);
  const failed = outcomes.filter((o) => o.exitCode !== 0);
  const executions = outcomes.reduce((sum, o) => sum + o.executions, 0);
  say(`fuzz: ${executions} executions in all, ${failed.length === 0 ? 'no crash found' : `${failed.length} target(s) with a finding or failure: ${failed.map((o) => o.target).join(', ')}`}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
