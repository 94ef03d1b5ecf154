import { TokenClient } from '@rampart/client';
import { Cluster, DnsServer, HEALTH_PORT, ISSUER_PORT, MEMORY_REPORT_ENV, openNetwork, RUNTIME_DIR, SERVICE_PORT, type Host, type Network, type Replica, type ServiceKind } from '@rampart/rollout';
import type { SampledProcess } from '../report/memory-sampler.js';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_LINK, type LinkFaults } from '../proxy/link-faults.js';
import { ChaosPki } from './chaos-pki.js';
import { Sidecar } from './sidecar.js';

/** Where each server really listens: the proxy in front takes the public port. */
const BEHIND_PROXY_PORT = SERVICE_PORT + 10;
const ISSUER_BEHIND_PROXY_PORT = ISSUER_PORT + 1;

/** Settings of the system under chaos. */
export interface ChaosSystemOptions {
  readonly loopback: boolean;
  readonly inventoryReplicas: number;
  readonly ordersReplicas: number;
  /** Access token lifetime at the issuer (s): short, so an outage longer than it fits in a run. */
  readonly tokenTtlSec: number;
  /**
   * Long-lived streams run (the soak): connections age out after 2 min as in production, and a connection past its
   * age keeps its streams until they end (no grace limit), instead of cutting them 10 s after its GOAWAY.
   */
  readonly longLivedStreams?: boolean;
  readonly log: (line: string) => void;
}

/**
 * The sample system as `pnpm rollout` runs it (hosts of their own, DNS, issuer, Redis, replicas with the production
 * settings), plus what faults need: a proxy in front of every server (latency, loss, partitions), files re-read
 * every second, a PKI that rotates, short-lived tokens, verifiers that refresh keys every 10 s.
 */
export class ChaosSystem {
  network: Network | undefined;
  dns: DnsServer | undefined;
  cluster: Cluster | undefined;
  pki: ChaosPki | undefined;
  issuerHost: Host | undefined;
  issuerProxy: Sidecar | undefined;
  readonly sidecars = new Map<string, Sidecar>();
  readonly tokenClients: TokenClient[] = [];
  readonly dir = join(RUNTIME_DIR, 'chaos', `run-${process.pid}`);

  constructor(private readonly options: ChaosSystemOptions) {}

  async start(): Promise<void> {
    const { log } = this.options;
    this.network = await openNetwork({ forceLoopback: this.options.loopback });
    const network = this.network;
    log(network.kind === 'netns' ? `hosts: network namespaces behind a bridge, ${network.cidr}` : `hosts: loopback addresses ${network.cidr} (${network.fallbackReason ?? ''})`);
    this.dns = await DnsServer.start(network.harnessAddress, { ttlSeconds: 1 });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.issuerHost = await network.addHost('issuer');
    this.pki = await ChaosPki.create(join(this.dir, 'pki'), this.issuerHost.address);
    this.cluster = new Cluster({
      network,
      dns: this.dns,
      dir: this.dir,
      pki: this.pki.paths,
      issuerHost: this.issuerHost,
      healthPort: HEALTH_PORT,
      servicePort: BEHIND_PROXY_PORT,
      issuerListenPort: ISSUER_BEHIND_PROXY_PORT,
      credentialRefreshMs: 1_000,
      issuerSettings: {
        RAMPART_ISSUER_ACCESS_TOKEN_TTL_SEC: String(this.options.tokenTtlSec),
        RAMPART_ISSUER_TLS_REFRESH_INTERVAL_MS: '1000',
      },
      serverSettings: {
        RAMPART_SERVER_HEALTH_PORT: String(HEALTH_PORT),
        RAMPART_SERVER_DRAIN_DELAY_MS: '2000',
        RAMPART_SERVER_SHUTDOWN_GRACE_MS: '10000',
        RAMPART_SERVER_MAX_CONNECTION_AGE_MS: this.options.longLivedStreams ? '120000' : '10000',
        RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS: this.options.longLivedStreams ? '0' : '10000',
        RAMPART_TLS_REFRESH_INTERVAL_MS: '1000',
        RAMPART_AUTH_JWKS_REFRESH_MS: '10000',
        // A soak measures leaks: the orders store is bounded but would still be filling up at the end of 30 minutes
        // at its default 10 000 orders; at 2000 it is full within the warm-up third, so growth after it is a leak.
        ...(this.options.longLivedStreams ? { [MEMORY_REPORT_ENV]: '15000', RAMPART_ORDERS_MAX_ORDERS: '2000' } : {}),
      },
      clientSettings: { RAMPART_CLIENTS_INVENTORY_MIN_RESOLUTION_INTERVAL_MS: '1000' },
      onReplicaServing: (replica) => this.#frontReplica(replica),
    });
    this.issuerProxy = await Sidecar.start('issuer-proxy', this.issuerHost, ISSUER_PORT, ISSUER_BEHIND_PROXY_PORT);
    await this.cluster.startInfrastructure();
    log(`issuer ${this.cluster.issuerUrl} (behind its proxy), redis ${this.cluster.redisUrl}`);
    for (const [kind, count] of [['inventory', this.options.inventoryReplicas], ['orders', this.options.ordersReplicas]] as const) {
      const started = await Promise.all(Array.from({ length: count }, () => this.cluster?.startReplica(kind) as Promise<Replica>));
      for (const r of started) this.cluster.addToDns(r);
      log(`${kind}: ${started.map((r) => `${r.id} ${r.address}`).join(', ')} SERVING, each behind its proxy`);
    }
  }

  /** Starts a proxy in front of a new replica; stops it when the replica exits. */
  async #frontReplica(replica: Replica): Promise<void> {
    const sidecar = await Sidecar.start(`${replica.id}-proxy`, replica.process.host, SERVICE_PORT, BEHIND_PROXY_PORT);
    this.sidecars.set(replica.id, sidecar);
    this.#everySidecar.push(sidecar);
    const current = this.#links;
    if (current !== CLEAN_LINK) await sidecar.set(current);
    void replica.process.exited.then(async () => {
      await sidecar.stop();
      this.sidecars.delete(replica.id);
    });
  }

  #links: LinkFaults = CLEAN_LINK;
  readonly #everySidecar: Sidecar[] = [];

  /** Sets the same faults on every link: clients → orders, orders → inventory, everyone → issuer. */
  async setAllLinks(faults: LinkFaults): Promise<void> {
    this.#links = faults;
    await Promise.all([...this.sidecars.values(), ...(this.issuerProxy ? [this.issuerProxy] : [])].map((s) => s.set(faults)));
  }

  /** A token client of the load client (mTLS with its current files), closed with the system unless `untracked`. */
  tokenClient(untracked = false): TokenClient {
    const files = this.pki?.paths.workloads['load-client'];
    if (!this.cluster || !this.pki || !files) throw new Error('start the system first');
    const client = new TokenClient({ issuer: this.cluster.issuerUrl, clientId: 'load-client', certFile: files.chain, keyFile: files.key, caFile: this.pki.paths.caCert });
    if (!untracked) this.tokenClients.push(client);
    return client;
  }

  running(kind: ServiceKind): Replica[] {
    return this.cluster?.running(kind) ?? [];
  }

  /**
   * Every Node process the run started (issuers before a restart, stopped replicas, proxies), with its warn lines and,
   * for one that exited, a line saying how and when.
   */
  loggedProblems(): { name: string; problems: readonly string[] }[] {
    const all = [...(this.cluster?.issuers ?? []), ...(this.cluster?.replicas ?? []).map((r) => r.process), ...this.#everySidecar.map((s) => s.process), ...(this.issuerProxy ? [this.issuerProxy.process] : [])];
    return all.map((p) => {
      if (p.exitedAt === undefined) return p;
      const how = p.child.signalCode ?? `code ${String(p.child.exitCode)}`;
      return { name: p.name, problems: [...p.problems, JSON.stringify({ level: 40, time: p.exitedAt, msg: `exited (${how})` })] };
    });
  }

  /** Every process of the system with its pid, for memory samples. */
  processes(): SampledProcess[] {
    type Candidate = Omit<SampledProcess, 'pid'> & { pid: number | undefined };
    const replica = (r: Replica): Candidate => ({ name: r.id, pid: r.process.child.pid, heap: () => r.process.memory });
    const all: Candidate[] = [
      { name: 'issuer', pid: this.cluster?.issuer?.running ? this.cluster.issuer.child.pid : undefined },
      { name: 'redis', pid: this.cluster?.redis?.child.exitCode === null ? this.cluster.redis.child.pid : undefined },
      ...this.running('inventory').map(replica),
      ...this.running('orders').map(replica),
      { name: 'harness', pid: process.pid },
    ];
    return all.filter((p): p is SampledProcess => p.pid !== undefined);
  }

  async stop(): Promise<void> {
    for (const t of this.tokenClients) await t.close().catch(() => undefined);
    await this.cluster?.stop().catch(() => undefined);
    await Promise.all([...this.sidecars.values()].map((s) => s.stop()));
    await this.issuerProxy?.stop();
    await this.dns?.close().catch(() => undefined);
    await this.network?.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
