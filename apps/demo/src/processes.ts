import { spawn, type ChildProcess } from 'node:child_process';

/** A child process the demo started, with its output kept for when something goes wrong. */
export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

const running = new Set<Managed>();

/**
 * Starts `node <script>` with extra environment; its output is captured (and also handed to `onOutput`, e.g. to
 * show it prettified).
 */
export function startNode(
  name: string,
  script: string,
  env: Record<string, string>,
  onOutput?: (chunk: Buffer) => void,
): Managed {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 2_000) output.splice(0, 1_000);
    onOutput?.(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const managed = { name, child, output, exited };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

/** Asks a process to stop (SIGTERM), and kills it if it has not exited within `graceMs`. */
export async function stop(managed: Managed, graceMs = 5_000): Promise<void> {
  if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  managed.child.kill('SIGTERM');
  const timer = setTimeout(() => managed.child.kill('SIGKILL'), graceMs);
  await managed.exited;
  clearTimeout(timer);
}

/** Stops every process still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((m) => stop(m)));
}
