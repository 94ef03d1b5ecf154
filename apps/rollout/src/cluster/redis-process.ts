import type { ChildProcess } from 'node:child_process';
import type { Host } from '../network/hosts.js';

/** Debian's redis-server (or RAMPART_REDIS_SERVER_BIN), without persistence, on a host of the run. */
export class RedisProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: string[] = [];

  constructor(host: Host, port: number) {
    const bin = process.env.RAMPART_REDIS_SERVER_BIN ?? 'redis-server';
    const args = ['--bind', host.address, '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
    this.child = host.spawn(bin, args, process.env);
    this.child.stdout?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.once('error', (error) => this.output.push(String(error)));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
