/**
 * `pnpm bench [--quick]`: runs every scenario alternately and times start-up, writes `results/latest.{json,md,svg}` and
 * prints the Markdown table; `--node` picks the Node the servers and generators run on, `--matrix` runs on several
 * one after the other (`results/matrix.*`), `--curve` measures the latency curve (`results/curve.*`). `pnpm bench
 * --help` lists the flags (`cli-args.ts`); a bad flag exits with status 2 and says why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canPin } from './child.js';
import { parseCli, USAGE, UsageError, type CliRequest } from './cli-args.js';
import { renderCurveMarkdown } from './curve/curve-results.js';
import { renderCurveSvg } from './curve/curve-svg.js';
import { runCurve } from './curve/run-curve.js';
import { createFixtures } from './fixtures.js';
import { renderMatrixMarkdown, type MatrixEntry } from './matrix/matrix-results.js';
import { renderMatrixSvg } from './matrix/matrix-svg.js';
import { NodeRuntimeError, resolveNode, type NodeRuntime, type NodeSpec } from './node-runtime.js';
import { RESULTS_DIR } from './paths.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSvg } from './report/svg.js';
import { runBench } from './run.js';
import { round } from './stats.js';
import { runStartup } from './startup/run-startup.js';
import { renderStartupMarkdown } from './startup/startup-results.js';

let request: CliRequest;
try {
  request = parseCli(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`pnpm bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (request.help) {
  console.log(USAGE);
  process.exit(0);
}
const { settings, scenarios } = request;
const pin = request.pin && canPin();
if (!pin) console.error('note: not pinning processes to cores (no taskset, fewer than two cores, or --no-pin)');

function mkdirReturning(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

const t0 = performance.now();
const log = (line: string): void => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

function nodeOf(spec: NodeSpec | undefined): NodeRuntime {
  try {
    const node = resolveNode(spec);
    log(`servers and load generators run on Node ${node.version} (${node.path})`);
    return node;
  } catch (error) {
    if (!(error instanceof NodeRuntimeError)) throw error;
    console.error(`pnpm bench: ${error.message}`);
    process.exit(2);
  }
}

function write(name: string, files: Record<string, string>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const [ext, text] of Object.entries(files)) writeFileSync(join(RESULTS_DIR, `${name}.${ext}`), text);
  console.log(`(${round((performance.now() - t0) / 1000, 1)} s; written to ${join(RESULTS_DIR, `${name}.{${Object.keys(files).join(',')}}`)})`);
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const base = { settings, pin, profile: request.profile, log };

/** The load scenarios (unless none is asked for) and the start-up times (when asked for) on one Node. */
async function runOn(node: NodeRuntime): Promise<MatrixEntry> {
  const results =
    scenarios.length === 0
      ? null
      : await runBench({
          ...base,
          scenarios,
          node,
          ...(request.serverOutputDir === undefined ? {} : { serverOutputDir: mkdirReturning(request.serverOutputDir) }),
        });
  let startup = null;
  if (request.startup) {
    log(`start-up: ${settings.startupRuns} starts each of bare grpc-js, the Rampart sample app and NestJS…`);
    const { fixtures, cleanup } = await createFixtures(1);
    try {
      startup = await runStartup({ fixtures, node, runs: settings.startupRuns, pin, log });
    } finally {
      cleanup();
    }
  }
  return { node: node.version, results, startup };
}

const errorsOf = (entry: MatrixEntry): number =>
  entry.results === null
    ? 0
    : Object.values(entry.results.scenarios).reduce((sum, s) => sum + s.errors, 0) + (entry.results.memory?.errors ?? 0);

let errors: number;
if (request.curve !== undefined) {
  const curve = await runCurve({ ...base, node: nodeOf(request.node), levels: request.curve });
  const markdown = renderCurveMarkdown(curve);
  console.log(markdown);
  write('curve', { json: json(curve), md: markdown, svg: renderCurveSvg(curve) });
  errors = Object.values(curve.series).flat().reduce((sum, p) => sum + p.errors, 0);
} else if (request.matrix !== undefined) {
  const startedAt = new Date();
  const entries: MatrixEntry[] = [];
  for (const spec of request.matrix) entries.push(await runOn(nodeOf(spec)));
  const matrix = {
    version: 1,
    kind: 'matrix',
    mode: settings.mode,
    started_at: startedAt.toISOString(),
    duration_s: round((Date.now() - startedAt.getTime()) / 1000, 1),
    entries,
  } as const;
  const markdown = renderMatrixMarkdown(matrix);
  console.log(markdown);
  write('matrix', { json: json(matrix), md: markdown, svg: renderMatrixSvg(matrix) });
  errors = entries.reduce((sum, e) => sum + errorsOf(e), 0);
} else {
  const entry = await runOn(nodeOf(request.node));
  const markdown = [entry.results ? renderMarkdown(entry.results) : '', entry.startup ? renderStartupMarkdown(entry.startup) : ''].join('\n');
  console.log(markdown);
  write('latest', {
    json: json(entry.results ? { ...entry.results, startup: entry.startup } : { node: entry.node, startup: entry.startup }),
    md: markdown,
    ...(entry.results ? { svg: renderSvg(entry.results) } : {}),
  });
  errors = errorsOf(entry);
}
if (errors > 0) {
  console.error(`${errors} calls failed: the figures are not valid`);
  process.exitCode = 1;
}
