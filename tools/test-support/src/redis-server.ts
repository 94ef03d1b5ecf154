// A throwaway redis-server for tests (plugin-redis, plugin-ratelimit): spawned on 127.0.0.1 and a free port, without
// persistence, stopped (and restartable on the same port) by the test. Needs Debian's redis-server; without it the
// suites skip, unless RAMPART_REQUIRE_REDIS is set (.ci/run sets it), which makes a missing redis-server an error.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

export const REDIS_SERVER = process.env.RAMPART_REDIS_SERVER_BIN ?? 'redis-server';

/** Whether redis-server can be run here. */
export const redisInstalled = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
if (!redisInstalled && process.env.RAMPART_REQUIRE_REDIS) {
  throw new Error(`${REDIS_SERVER} is required here (RAMPART_REQUIRE_REDIS is set) but cannot be run: apt-get install redis-server`);
}

/** Appended to suite names, so a skip says why in the test report. */
export const SKIP_REASON = redisInstalled
  ? ''
  : ` [SKIPPED: ${REDIS_SERVER} is not installed (apt-get install redis-server); set RAMPART_REQUIRE_REDIS=1 to fail instead]`;

/** A free TCP port on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True when something on `port` answers PING (with PONG, or by asking for a password). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

/** One redis-server process the test owns. */
export class RedisServer {
  #process: ChildProcess | undefined;
  #output = '';

  private constructor(
    readonly port: number,
    private readonly password: string | undefined,
  ) {}

  /**
   * Starts redis-server on 127.0.0.1 (a free port unless given) and waits until it answers PING (or, with a
   * password, until it asks for one).
   */
  static async start(options: { port?: number; password?: string } = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.password);
    await server.restart();
    return server;
  }

  /** The URL without credentials. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The URL with the password, when there is one. */
  get urlWithPassword(): string {
    return this.password ? `redis://:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}` : this.url;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  /** (Re)starts the process on the same port. */
  async restart(): Promise<void> {
    if (this.#process) return;
    const child = spawn(
      REDIS_SERVER,
      [
        '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        ...(this.password ? ['--requirepass', this.password] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#output = '';
    child.stdout?.on('data', (d: Buffer) => (this.#output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.#output += d.toString()));
    child.on('exit', () => {
      if (this.#process === child) this.#process = undefined;
    });
    this.#process = child;
    const until = Date.now() + 10_000;
    while (!(await pong(this.port))) {
      if (this.#process !== child) throw new Error(`redis-server exited at start:\n${this.#output}`);
      if (Date.now() > until) {
        await this.stop();
        throw new Error(`redis-server did not answer on port ${this.port} within 10 s:\n${this.#output}`);
      }
      await new Promise((r) => setTimeout(r, 25)); // a poll: redis-server has no ready event to wait for (it may exit instead)
    }
  }

  /** Kills the process (SIGKILL: an abrupt outage) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** Thaws a paused process. */
  resume(): void {
    this.#process?.kill('SIGCONT');
  }
}
