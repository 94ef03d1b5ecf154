import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { bridgeDown, bridgeUp, hostDown, hostPlan, hostUp, networkPlan, pickSubnet, staleCleanup, type HostPlan, type IpCommand, type NetworkPlan } from './plan.js';

const run = promisify(execFile);

/** A host of the run: an address of its own and a way to start a process there. */
export interface Host {
  readonly name: string;
  readonly address: string;
  /** Starts `command args` on this host (inside its namespace, or plainly for loopback hosts). */
  spawn(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess;
}

/** Where the hosts live: network namespaces behind a bridge, or loopback addresses. */
export interface Network {
  readonly kind: 'netns' | 'loopback';
  /** Why namespaces are not used (loopback only). */
  readonly fallbackReason?: string;
  /** The address processes on the hosts reach the harness at (DNS server). */
  readonly harnessAddress: string;
  /** The /24 the hosts are in, e.g. `10.77.42.0/24`. */
  readonly cidr: string;
  addHost(name: string): Promise<Host>;
  removeHost(host: Host): Promise<void>;
  /** Removes every host and the bridge; safe to call twice. */
  close(): Promise<void>;
}

async function ip(command: IpCommand): Promise<string> {
  const { stdout } = await run('ip', [...command]);
  return stdout;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces and links earlier runs of the harness left (their harness process is gone). */
export async function removeStale(): Promise<number> {
  const commands = staleCleanup(await ip(['netns', 'list']), await ip(['-o', 'link', 'show']), isAlive);
  for (const command of commands) await ip(command).catch(() => undefined);
  return commands.length;
}

/** Hosts in network namespaces, each with a veth pair into one bridge. */
class NamespaceNetwork implements Network {
  readonly kind = 'netns';
  readonly #hosts = new Map<string, HostPlan>();
  #next = 2;
  #closed = false;

  constructor(private readonly plan: NetworkPlan) {}

  get harnessAddress(): string {
    return this.plan.gateway;
  }

  get cidr(): string {
    return `${this.plan.subnet}.0/24`;
  }

  async addHost(name: string): Promise<Host> {
    const plan = hostPlan(this.plan, this.#next++, name);
    this.#hosts.set(plan.namespace, plan);
    for (const command of hostUp(this.plan, plan)) await ip(command);
    return {
      name,
      address: plan.address,
      spawn: (command, args, env) =>
        spawn('ip', ['netns', 'exec', plan.namespace, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    };
  }

  async removeHost(host: Host): Promise<void> {
    const plan = [...this.#hosts.values()].find((h) => h.address === host.address);
    if (!plan) return;
    this.#hosts.delete(plan.namespace);
    for (const command of hostDown(plan)) await ip(command).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const plan of this.#hosts.values()) for (const command of hostDown(plan)) await ip(command).catch(() => undefined);
    this.#hosts.clear();
    for (const command of bridgeDown(this.plan)) await ip(command).catch(() => undefined);
  }

  async open(): Promise<void> {
    for (const command of bridgeUp(this.plan)) await ip(command);
  }
}

/** Hosts on loopback addresses 127.77.x.y: no isolation, but an address of their own each. */
class LoopbackNetwork implements Network {
  readonly kind = 'loopback';
  #next = 2;

  constructor(
    private readonly octet: number,
    readonly fallbackReason: string,
  ) {}

  get harnessAddress(): string {
    return '127.0.0.1';
  }

  get cidr(): string {
    return `127.77.${this.octet}.0/24`;
  }

  addHost(name: string): Promise<Host> {
    const address = `127.77.${this.octet}.${this.#next++}`;
    return Promise.resolve({
      name,
      address,
      spawn: (command, args, env) => spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    });
  }

  removeHost(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Network namespaces when this process may make them (root, `ip` present, `ip netns add` works), else loopback
 * addresses (the reason is kept, for the output). Stale namespaces and links of dead runs are removed first.
 */
export async function openNetwork(options: { forceLoopback?: boolean } = {}): Promise<Network> {
  const runId = process.pid;
  const loopback = (reason: string) => new LoopbackNetwork(20 + (runId % 200), reason);
  if (options.forceLoopback) return loopback('--loopback was given');
  if (process.getuid?.() !== 0) return loopback('not root: network namespaces need CAP_NET_ADMIN');
  let routes: string;
  try {
    await removeStale();
    routes = await ip(['-4', 'route']);
  } catch (error) {
    return loopback(`\`ip\` is not usable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const network = new NamespaceNetwork(networkPlan(runId, pickSubnet(runId, routes)));
  try {
    await network.open();
    return network;
  } catch (error) {
    await network.close();
    return loopback(`could not create a bridge: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
