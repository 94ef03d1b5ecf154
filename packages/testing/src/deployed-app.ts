import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** The nearest folder at or above `from` that holds a `pnpm-workspace.yaml`: the workspace root. */
export function workspaceRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml at or above ${from}`);
  }
}

/**
 * Runs the documented deploy command for the workspace package `pkg` into `dir`, from the workspace root and with the
 * pnpm version the root pins (`packageManager`):
 * `pnpm --config.inject-workspace-packages=true --filter <pkg> deploy --prod <dir>` (ADR 0022). The package and its
 * workspace dependencies must be built first (turbo's `build`): a deploy copies their `dist`, it does not build.
 * Asynchronous: a deploy can take a minute, and a test worker blocked that long loses its runner (vitest's
 * "Timeout calling onTaskUpdate", seen on Node 22).
 *
 * @example
 * await deployWorkspacePackage('@rampart/inventory', join(tmp, 'app'));
 */
export async function deployWorkspacePackage(pkg: string, dir: string, root: string = workspaceRoot()): Promise<void> {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager?: string };
  if (!packageManager?.startsWith('pnpm@')) throw new Error(`${join(root, 'package.json')} pins no pnpm (packageManager)`);
  const args = ['--yes', packageManager, '--config.inject-workspace-packages=true', '--filter', pkg, 'deploy', '--prod', '--prefer-offline', dir];
  await promisify(execFile)('npx', args, { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
}

/** Symbolic links under `dir` whose target lies outside it, or nowhere (a deployed folder must stand alone). */
export function linksLeaving(dir: string): string[] {
  const root = realpathSync(dir);
  const leaving: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        const target = existsSync(path) ? realpathSync(path) : '(dangling)';
        if (target !== root && !target.startsWith(root + sep)) leaving.push(`${relative(root, path)} -> ${target}`);
      } else if (stat.isDirectory()) walk(path);
    }
  };
  walk(root);
  return leaving;
}

/** How a deployed process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A deployed app running as its own process. */
export interface DeployedProcess {
  /** The app's "… listening" log line, parsed (a Rampart app's has `address`, the issuer's `url`). */
  readonly listening: Readonly<Record<string, unknown>>;
  /** Whether the deployed folder has `path`. */
  has(path: string): boolean;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Sends `signal` (e.g. SIGHUP) to the process. */
  signal(signal: NodeJS.Signals): void;
  /** How the process ended; undefined while it runs. */
  exited(): ProcessExit | undefined;
  /** SIGTERM (unless it already ended), then its exit. */
  stop(): Promise<ProcessExit>;
}

/** The first JSON log line in `output` whose message ends with " listening", parsed. */
function listeningLine(output: string): Record<string, unknown> | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry['msg'] === 'string' && entry['msg'].endsWith(' listening')) return entry;
    } catch {
      // a partial line: the rest comes with the next chunk
    }
  }
  return undefined;
}

/**
 * Starts `node dist/main.js` (or `entry`, e.g. a bundle's `main.mjs`) in `dir` as a container would, with `env` as its
 * whole environment besides `PATH` (the machine's RAMPART_* settings are not passed on), and waits up to `timeoutMs`
 * for its "… listening" log line.
 */
export function startDeployed(dir: string, env: Record<string, string>, timeoutMs = 30_000, entry = 'dist/main.js'): Promise<DeployedProcess> {
  const child = spawn(process.execPath, [entry], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((done) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      done(exit);
    }),
  );
  let output = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`no "listening" log line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = settled ? undefined : listeningLine(output);
      if (listening === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        listening,
        has: (path) => existsSync(join(dir, path)),
        output: () => output,
        signal: (signal) => void child.kill(signal),
        exited: () => exit,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(({ code, signal }) => fail(new Error(`exited (${String(code ?? signal)}) before listening:\n${output}`)));
  });
}
