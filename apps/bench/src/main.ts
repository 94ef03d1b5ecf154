/**
 * `pnpm bench [--quick]`: runs every scenario alternately, writes `results/latest.{json,md,svg}` and prints the
 * Markdown table. `pnpm bench --help` lists the flags (`cli-args.ts`); a bad flag exits with status 2 and says why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canPin } from './child.js';
import { parseCli, USAGE, UsageError, type CliRequest } from './cli-args.js';
import { RESULTS_DIR } from './paths.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSvg } from './report/svg.js';
import { runBench } from './run.js';

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
const results = await runBench({
  settings,
  scenarios,
  pin,
  profile: request.profile,
  ...(request.serverOutputDir === undefined ? {} : { serverOutputDir: mkdirReturning(request.serverOutputDir) }),
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
