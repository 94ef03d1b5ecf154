import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/index.js';

/** The repository root (packages/cli/test → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in-process with captured output, in `cwd`, with an environment that has no pnpm in it. */
export async function rampart(argv: readonly string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    cwd,
    env: { PATH: process.env['PATH'], ...env },
    out: (text) => (out += text),
    err: (text) => (err += text),
    tty: false,
  });
  return { code, out, err };
}

const made: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'rampart-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The smallest workspace `rampart new service` accepts: a pnpm-workspace.yaml, a root package.json, apps/ and proto/. */
export function workspaceSkeleton(): string {
  const root = tempDir('rampart-ws-');
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - apps/*\n');
  writeFileSync(join(root, 'package.json'), '{ "name": "ws", "private": true, "packageManager": "pnpm@10.34.9" }\n');
  mkdirSync(join(root, 'apps'));
  mkdirSync(join(root, 'proto'));
  return root;
}

/** Every file below `dir` with its content and modification time, to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const entry of readdirSync(sub, { withFileTypes: true })) {
      const path = join(sub, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = `${statSync(path).mtimeMs}:${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir);
  return files;
}
