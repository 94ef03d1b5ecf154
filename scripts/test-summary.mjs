#!/usr/bin/env node
// Adds up the vitest JSON reports of every package and prints one closing line: "tests: N passed, M failed". It runs
// after turbo whatever turbo's outcome, and names each failed test and test file with the start of its failure, so
// the end of a CI log says what failed (turbo's own summary names only the package).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const failures = [];
/** The first lines of a failure message, without colour codes. */
const firstLines = (message) => String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').slice(0, 3).join(' | ').slice(0, 400);
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
    for (const suite of report.testResults ?? []) {
      const where = `${group}/${name}/${String(suite.name ?? '').split(`/${group}/${name}/`).pop()}`;
      const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failedTests) failures.push(`FAILED ${where} > ${test.fullName}: ${firstLines(test.failureMessages?.[0])}`);
      if (suite.status === 'failed' && failedTests.length === 0) {
        failed += 1; // a file that failed to load or whose hooks failed: no test counted it
        failures.push(`FAILED ${where} (the file itself): ${firstLines(suite.message)}`);
      }
    }
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
if (failures.length > 0) process.stdout.write(`${failures.join('\n')}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (Node ${process.version})\n`);
if (passed === 0 || failed > 0) process.exitCode = 1;
