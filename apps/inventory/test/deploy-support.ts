import { spawn, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Runs the documented deploy command for `pkg` into `dir`, from the repository root, with the pnpm version the
 * repository pins (`packageManager`). The app and its workspace dependencies must be built (turbo's `build`).
 */
export function deployApp(pkg: string, dir: string): void {
  const { packageManager } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  const args = ['--yes', packageManager, '--config.inject-workspace-packages=true', '--filter', pkg, 'deploy', '--prod', '--prefer-offline', dir];
  execFileSync('npx', args, { cwd: REPO_ROOT, stdio: 'pipe', timeout: 150_000 });
}

/** Symbolic links under `dir` whose target lies outside it (a deployed folder must stand alone). */
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

/** A deployed app running as its own process. */
export interface DeployedProcess {
  /** `host:port` from the app's "listening" log line. */
  readonly address: string;
  /** Whether the deployed folder has `path`. */
  has(path: string): boolean;
  /** SIGTERM, then the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/main.js` in `dir` with `env` as its only RAMPART_* settings (the machine's are not passed on)
 * and waits for its "listening" log line.
 */
export function startDeployed(dir: string, env: Record<string, string>): Promise<DeployedProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no "listening" line within 30 s:\n${output}`)), 30_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('listening"'));
      if (!line) return;
      clearTimeout(timer);
      const { address } = JSON.parse(line) as { address: string };
      resolve({
        address,
        has: (path) => existsSync(join(dir, path)),
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then(({ code }) => {
      if (!output.includes('listening"')) fail(new Error(`exited with ${String(code)} before listening:\n${output}`));
    });
  });
}
