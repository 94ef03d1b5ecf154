import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectFaults, SCHEDULE } from './faults/schedule.js';
import { parseFlags, USAGE, type Flags } from './flags.js';
import type { ChaosResult } from './report/chaos-result.js';
import { compareRuns } from './report/compare-runs.js';
import { collectWarnings, renderWarnings } from './report/process-warnings.js';
import { renderTable } from './report/render-table.js';
import { renderTimelineSvg } from './report/timeline-svg.js';
import { runSchedule } from './run.js';
import { ChaosSystem } from './system/chaos-system.js';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const log = (line: string): void => void process.stdout.write(`chaos: ${line}\n`);

/** `pnpm chaos`: resolves with the exit code (0 only when every fault met its expectation). */
export async function main(argv: readonly string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) return (process.stdout.write(`${USAGE}\n`), 0);
  if (flags.list) {
    for (const f of SCHEDULE) process.stdout.write(`${f.planned ? 'planned' : 'fault  '} ${f.quick ? 'quick' : '     '} ${f.name}: ${f.expected}\n`);
    return 0;
  }
  if (flags.compare.length > 0) {
    try {
      const results = flags.compare.map((file) => JSON.parse(readFileSync(file, 'utf8')) as ChaosResult);
      process.stdout.write(`${compareRuns(results)}\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`chaos: --compare: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  let faults;
  try {
    faults = selectFaults(flags);
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n`);
    return 2;
  }
  const began = Date.now();
  const system = new ChaosSystem({ loopback: flags.loopback, inventoryReplicas: flags.inventoryReplicas, ordersReplicas: flags.ordersReplicas, tokenTtlSec: flags.tokenTtlSec, longLivedStreams: flags.soakMinutes !== undefined, log });
  let stopLoad: (() => Promise<void>) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nchaos: ${signal}, stopping every process and removing the network\n`);
    void (stopLoad?.() ?? Promise.resolve()).finally(() => void system.stop().finally(() => process.exit(130)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await system.start();
    const result = await runSchedule({ flags, system, faults, log, onStoppable: (stop) => (stopLoad = stop) });
    const dir = flags.resultsDir ?? RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'chaos.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(dir, 'chaos.svg'), renderTimelineSvg(result));
    writeFileSync(join(dir, 'warnings.log'), renderWarnings(collectWarnings(system.loggedProblems(), Date.parse(result.startedAt))));
    process.stdout.write(`\n${renderTable(result)}\n\n`);
    log(`${result.passed ? 'PASS' : 'FAIL'}: ${result.total.validCalls} valid calls, ${result.total.validFailed} failed; ${result.total.invalidCalls} invalid, ${result.total.invalidAccepted} accepted`);
    log(`the run took ${((Date.now() - began) / 1_000).toFixed(0)} s; results in ${join(dir, 'chaos.json')}, chaos.svg and warnings.log (what the processes logged at warn and above)`);
    return result.passed ? 0 : 1;
  } catch (error) {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    for (const r of system.cluster?.replicas ?? []) {
      if (r.process.problems.length > 0) process.stderr.write(`--- ${r.id} ---\n${r.process.problems.slice(-20).join('\n')}\n`);
    }
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await system.stop();
  }
}
