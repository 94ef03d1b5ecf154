#!/usr/bin/env node
// buf lint and buf breaking over a workspace's .proto files (its buf.yaml), against the committed baseline image.
// Usage: node check.mjs [--root <workspace>] [--against <image>]   (defaults: the repository, ./baseline.json)
// `buf breaking <dir> --against <image>` misreads the modules of a v2 workspace (it reports every file of all but
// one module as deleted), so the workspace is built into an image first and the two images are compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({ options: { root: { type: 'string', default: join(here, '..', '..') }, against: { type: 'string', default: join(here, 'baseline.json') } } });
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');

/** Runs buf with the given arguments; resolves to its exit status. */
function run(...args) {
  const { status, error } = spawnSync(process.execPath, [buf, ...args], { stdio: 'inherit' });
  if (error) throw error;
  return status ?? 1;
}

/** Builds the workspace into a temporary image and compares it with the baseline. */
function breaking() {
  const dir = mkdtempSync(join(tmpdir(), 'proto-checks-'));
  try {
    const image = join(dir, 'current.binpb');
    return run('build', values.root, '-o', image) || run('breaking', image, '--against', values.against);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = run('lint', values.root) || breaking();
