import { spawn } from 'node:child_process';
import { CliError, type CliIo } from './io.js';

const TAIL_LINES = 40;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * Runs slow in-process work between a "…" line and a "done" line with its duration. On a terminal the line shows the
 * elapsed time while it runs.
 *
 * @example
 * ```ts
 * const pki = await withProgress(io, 'issuing the workload certificate', () => ensureDevPki(options));
 * ```
 */
export async function withProgress<T>(io: CliIo, label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  io.err(`  ${label} …${io.tty ? '' : '\n'}`);
  const timer = io.tty ? setInterval(() => io.err(`\r  ${label} … ${seconds(started)}`), 1000) : undefined;
  try {
    const result = await work();
    io.err(`${io.tty ? '\r' : ''}  ${label}: done in ${seconds(started)}\n`);
    return result;
  } catch (error) {
    io.err(`${io.tty ? '\r' : ''}  ${label}: failed after ${seconds(started)}\n`);
    throw error;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs a program with progress output (see {@link withProgress}); its output is kept and, when it fails, the last
 * lines are shown in the error.
 *
 * @throws CliError naming the command and its exit code, with the end of its output.
 *
 * @example
 * ```ts
 * await runStep(io, 'pnpm install', process.execPath, [pnpmPath, 'install'], { cwd: root });
 * ```
 */
export function runStep(
  io: CliIo,
  label: string,
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string | undefined>> },
): Promise<void> {
  return withProgress(io, label, () => spawnCollecting(command, args, options));
}

function spawnCollecting(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string | undefined>> },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.length > 4 * TAIL_LINES) output.splice(0, 2 * TAIL_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new CliError(`could not run ${command}: ${error.message}`, { cause: error })));
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const tail = output.join('').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
      reject(new CliError(`${[command, ...args].join(' ')} failed (exit ${code ?? 'signal'}):\n${tail}`));
    });
  });
}
