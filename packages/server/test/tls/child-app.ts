import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { protoRoot } from '../fixtures/harness.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The child's program: the built `@rampart/server` (its `dist`: turbo builds the package before its tests) serving the
 * test PingService with the config values in RAMPART_CHILD_CONFIG, signals handled as in production. Plain JavaScript
 * run by `node -e`, so the decorators are applied as functions and the descriptor is written out.
 */
const PROGRAM = `
const { createApp } = await import('@rampart/server');
const { GrpcService, Public } = await import('@rampart/core');
const PingServiceDescriptor = {
  typeName: 'rampart.test.v1.PingService',
  protoFile: 'rampart/test/v1/echo.proto',
  methods: { ping: { name: 'Ping', path: '/rampart.test.v1.PingService/Ping', kind: 'unary' } },
};
class PingService { ping() { return Promise.resolve({ ok: true }); } }
Public()(PingService);
GrpcService(PingServiceDescriptor)(PingService);
const app = await createApp({
  name: 'child',
  services: [PingService],
  protos: { root: process.env.RAMPART_CHILD_PROTO_ROOT },
  config: { values: JSON.parse(process.env.RAMPART_CHILD_CONFIG), env: {} },
});
await app.listen();
`;

/** A Rampart app running in a process of its own. */
export interface ChildApp {
  readonly address: string;
  readonly pid: number;
  /** The JSON log lines so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Whether the process has ended, and how. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** SIGKILL unless it already ended. */
  kill(): Promise<void>;
}

/** Starts the child with `values` as its config and waits for its "child listening" line. */
export function startChildApp(values: Record<string, unknown>, timeoutMs = 15_000): Promise<ChildApp> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '', RAMPART_CHILD_CONFIG: JSON.stringify(values), RAMPART_CHILD_PROTO_ROOT: protoRoot },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const ended = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const lines = (): Record<string, unknown>[] =>
    output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return []; // the rest of the line is still coming
      }
    });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const listening = lines().find((l) => l['msg'] === 'child listening');
      if (listening !== undefined) {
        clearInterval(poll);
        resolve({
          address: listening['address'] as string,
          pid: child.pid as number,
          lines,
          exited: () => exit,
          kill: () => {
            if (exit === undefined) child.kill('SIGKILL');
            return ended;
          },
        });
      } else if (exit !== undefined || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`the child did not start (${JSON.stringify(exit)}):\n${output}`));
      }
    }, 25);
  });
}
