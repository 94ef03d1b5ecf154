import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { cpus } from 'node:os';

/** Whether processes can be pinned to cores here: `taskset` exists and there are at least two cores. */
export function canPin(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of `pid` to `core`; threads it starts later inherit that. */
export function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** The command that runs `node` with `args`, on `core` only (`taskset -c`) when one is given. */
export function nodeCommand(node: string, args: readonly string[], core: number | undefined): [string, string[]] {
  return core === undefined ? [node, [...args]] : ['taskset', ['-c', String(core), node, ...args]];
}

interface Waiter<Out> {
  readonly type: string;
  resolve(message: Out): void;
  reject(error: Error): void;
}

/** Options of {@link Child.spawn}. */
export interface SpawnOptions {
  readonly script: string;
  readonly env: Record<string, string>;
  /** Pin to this core from the start (`taskset -c`), when pinning is possible. */
  readonly core?: number;
  readonly nodeArgs?: readonly string[];
  /** The node binary to run (default: the one running the bench; `--node` picks another). */
  readonly node?: string;
  /** A name for error messages. */
  readonly name: string;
  /** Write the child's stdout to this file instead of discarding it (e.g. V8's `--trace-gc-nvp` lines). */
  readonly stdoutFile?: string;
}

/**
 * A child process with a typed IPC channel: `send`, and `next(type)` for the next message of a type. stdout is
 * discarded (servers log there, as in production) unless `stdoutFile` is given, stderr is kept for error messages.
 */
export class Child<In extends { type: string }, Out extends { type: string }> {
  readonly #queue: Out[] = [];
  readonly #waiters: Waiter<Out>[] = [];
  #stderr = '';
  #exited: Error | undefined;
  readonly exit: Promise<number | null>;

  private constructor(
    readonly process: ChildProcess,
    readonly name: string,
  ) {
    process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    process.on('message', (message) => this.#deliver(message as Out));
    this.exit = new Promise((resolve) => {
      process.on('exit', (code, signal) => {
        this.#exited = new Error(`${name} exited (code ${code}, signal ${signal}) ${this.#stderr.trim()}`.trim());
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#exited);
        resolve(code);
      });
    });
  }

  static spawn<I extends { type: string }, O extends { type: string }>(options: SpawnOptions, pinned: boolean): Child<I, O> {
    const [command, args] = nodeCommand(options.node ?? process.execPath, [...(options.nodeArgs ?? []), options.script], pinned ? options.core : undefined);
    const child = spawn(command, args, {
      stdio: ['ignore', options.stdoutFile === undefined ? 'ignore' : openSync(options.stdoutFile, 'w'), 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
      serialization: 'json',
    });
    return new Child<I, O>(child, options.name);
  }

  get pid(): number {
    return this.process.pid as number;
  }

  send(message: In): void {
    this.process.send?.(message);
  }

  /** The next message of `type` (an `error` message from the child rejects). */
  next<T extends Out['type']>(type: T, timeoutMs = 120_000): Promise<Extract<Out, { type: T }>> {
    const queued = this.#queue.findIndex((m) => m.type === type || m.type === 'error');
    if (queued >= 0) {
      const [m] = this.#queue.splice(queued, 1) as [Out];
      return m.type === 'error' ? Promise.reject(this.#errorOf(m)) : Promise.resolve(m as Extract<Out, { type: T }>);
    }
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms ${this.#stderr.trim()}`)), timeoutMs);
      this.#waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<Out, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Sends `message` and waits for the reply of `type`. */
  request<T extends Out['type']>(message: In, type: T, timeoutMs?: number): Promise<Extract<Out, { type: T }>> {
    const reply = this.next(type, timeoutMs);
    this.send(message);
    return reply;
  }

  kill(): void {
    if (this.#exited === undefined) this.process.kill('SIGKILL');
  }

  #deliver(message: Out): void {
    const i = this.#waiters.findIndex((w) => w.type === message.type || message.type === 'error');
    if (i < 0) {
      this.#queue.push(message);
      return;
    }
    const [waiter] = this.#waiters.splice(i, 1) as [Waiter<Out>];
    if (message.type === 'error') waiter.reject(this.#errorOf(message));
    else waiter.resolve(message);
  }

  #errorOf(message: Out): Error {
    return new Error(`${this.name}: ${(message as unknown as { message?: string }).message ?? 'failed'}`);
  }
}
