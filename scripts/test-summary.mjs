#!/usr/bin/env node
// Adds up the vitest JSON reports of every package and prints one closing line: "tests: N passed, M failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'apps', 'deploy', 'tools']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, '.vitest', 'results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    rows.push(`${group}/${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (Node ${process.version})\n`);
if (passed === 0 || failed > 0) process.exitCode = 1;
