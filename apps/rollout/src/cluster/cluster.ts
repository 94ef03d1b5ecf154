import type { ChannelCredentials } from '@grpc/grpc-js';
import { createMtlsChannelCredentials, type MtlsChannel } from '@rampart/client';
import type { DevPkiPaths } from '@rampart/pki';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DnsServer } from '../dns/dns-server.js';
import type { Host, Network } from '../network/hosts.js';
import { spiffeId } from '../rollout-pki.js';
import { DNS_NAMES, issuerEnv, ISSUER_PORT, REDIS_PORT, replicaEnv, SERVICE_PORT, type ServiceKind } from './cluster-env.js';
import { waitForIssuer, waitForPort, waitUntilServing } from './health.js';
import { NodeProcess } from './node-process.js';
import { RedisProcess } from './redis-process.js';

const issuerMain = (): string => fileURLToPath(new URL('./main.js', import.meta.resolve('@rampart/issuer')));
const replicaMain = (kind: ServiceKind): string => fileURLToPath(new URL(`../replicas/${kind}-replica.js`, import.meta.url));

/** One replica of a service and what happened to it. */
export interface Replica {
  readonly kind: ServiceKind;
  /** e.g. `inventory-4`: the n-th replica of its kind this run started. */
  readonly id: string;
  readonly process: NodeProcess;
  readonly address: string;
  servingAt?: number;
  addedToDnsAt?: number;
  removedFromDnsAt?: number;
  sigtermAt?: number;
  exitCode?: number | null;
}

/** Settings of a cluster. */
export interface ClusterSettings {
  readonly network: Network;
  readonly dns: DnsServer;
  readonly dir: string;
  readonly pki: DevPkiPaths;
  readonly issuerHost: Host;
  readonly serverSettings: Readonly<Record<string, string>>;
  readonly clientSettings: Readonly<Record<string, string>>;
  /** Health is asked on this plaintext port when set (the server's health-only port), else over mTLS. */
  readonly healthPort?: number;
  /** The port replicas listen on. Default {@link SERVICE_PORT}; another one leaves that to a proxy in front. */
  readonly servicePort?: number;
  /** The port the issuer listens on. Default {@link ISSUER_PORT} (its URL keeps that one: a proxy may take it). */
  readonly issuerListenPort?: number;
  /** Extra environment of the issuer (RAMPART_ISSUER_*). */
  readonly issuerSettings?: Readonly<Record<string, string>>;
  /** How often the harness's own mTLS credentials re-read their files. Default: the client's default. */
  readonly credentialRefreshMs?: number;
  /** Runs once a new replica reports SERVING, before `startReplica` resolves (e.g. to start a proxy in front of it). */
  readonly onReplicaServing?: (replica: Replica) => Promise<void>;
}

/** The sample system as processes on hosts of their own: the issuer, Redis, and replicas of inventory and orders. */
export class Cluster {
  readonly replicas: Replica[] = [];
  issuer: NodeProcess | undefined;
  /** Every issuer process this cluster started, in order (a restart starts a new one). */
  readonly issuers: NodeProcess[] = [];
  redis: RedisProcess | undefined;
  readonly #counters: Record<ServiceKind, number> = { inventory: 0, orders: 0 };
  readonly #channels: MtlsChannel[] = [];
  #redisHost: Host | undefined;
  #issuerEnv: Record<string, string> = {};

  constructor(private readonly settings: ClusterSettings) {}

  get issuerUrl(): string {
    return `https://${this.settings.issuerHost.address}:${ISSUER_PORT}`;
  }

  get redisUrl(): string {
    return `redis://${this.#redisHost?.address ?? '127.0.0.1'}:${REDIS_PORT}`;
  }

  /** Starts the issuer and Redis, each on its host, and waits until both answer. */
  async startInfrastructure(): Promise<void> {
    const { network, pki, issuerHost } = this.settings;
    this.#issuerEnv = {
      ...issuerEnv(issuerHost.address, pki, this.issuerKeysFile, 'warn', this.settings.issuerListenPort),
      ...this.settings.issuerSettings,
    };
    this.issuer = new NodeProcess('issuer', issuerHost, issuerMain(), this.#issuerEnv);
    this.issuers.push(this.issuer);
    this.#redisHost = await network.addHost('redis');
    this.redis = new RedisProcess(this.#redisHost, REDIS_PORT);
    await waitForPort(this.#redisHost.address, REDIS_PORT, 10_000, this.redis.exited);
    await this.#waitForIssuer(this.issuer);
  }

  /** The issuer's signing keys file (JWKS with private keys; `rotateKeys` moves it through a rotation). */
  get issuerKeysFile(): string {
    return join(this.settings.dir, 'issuer-keys.json');
  }

  async #waitForIssuer(issuer: NodeProcess): Promise<void> {
    const port = this.settings.issuerListenPort ?? ISSUER_PORT;
    await waitForIssuer(`https://${this.settings.issuerHost.address}:${port}`, readFileSync(this.settings.pki.caCert), 30_000, issuer.exited);
  }

  /** Stops the issuer (SIGTERM, SIGKILL after 10 s) and leaves it down. */
  async stopIssuer(): Promise<void> {
    await this.issuer?.stop(10_000);
  }

  /** Starts the issuer again on its host with the same settings (after {@link stopIssuer}) and waits until it answers. */
  async startIssuer(): Promise<void> {
    if (this.issuer?.running) throw new Error('the issuer is still running');
    this.issuer = new NodeProcess('issuer', this.settings.issuerHost, issuerMain(), this.#issuerEnv);
    this.issuers.push(this.issuer);
    await this.#waitForIssuer(this.issuer);
  }

  /** Stops Redis (its data goes: no persistence) and leaves it down. */
  async stopRedis(): Promise<void> {
    await this.redis?.stop();
  }

  /** Starts Redis again on its host (after {@link stopRedis}) and waits until it accepts connections. */
  async startRedis(): Promise<void> {
    if (!this.#redisHost) throw new Error('startInfrastructure first');
    this.redis = new RedisProcess(this.#redisHost, REDIS_PORT);
    await waitForPort(this.#redisHost.address, REDIS_PORT, 10_000, this.redis.exited);
  }

  /** mTLS credentials of the load client, checking the server's SPIFFE ID. */
  async credentials(server: ServiceKind | 'any'): Promise<ChannelCredentials> {
    const files = this.settings.pki.workloads['load-client'];
    if (!files) throw new Error('no load-client certificate');
    const channel = createMtlsChannelCredentials({
      certFile: files.chain,
      keyFile: files.key,
      caFile: this.settings.pki.caCert,
      ...(server === 'any' ? {} : { expectedServerId: spiffeId(server) }),
      ...(this.settings.credentialRefreshMs !== undefined ? { refreshIntervalMs: this.settings.credentialRefreshMs } : {}),
    });
    this.#channels.push(channel);
    await channel.ready;
    return channel.credentials;
  }

  /** Starts a new replica of `kind` on a new host (a new address) and waits until it reports SERVING. */
  async startReplica(kind: ServiceKind): Promise<Replica> {
    const { network, dns, pki, serverSettings, clientSettings } = this.settings;
    this.#counters[kind] += 1;
    const id = `${kind}-${this.#counters[kind]}`;
    const host = await network.addHost(id);
    const env = replicaEnv({
      kind,
      address: host.address,
      ...(this.settings.servicePort !== undefined ? { port: this.settings.servicePort } : {}),
      pki,
      issuerUrl: this.issuerUrl,
      redisUrl: this.redisUrl,
      redisKeyPrefix: `rollout:${process.pid}:`,
      dnsAuthority: dns.address,
      serverSettings,
      clientSettings,
    });
    const replica: Replica = { kind, id, process: new NodeProcess(id, host, replicaMain(kind), { ...env, ROLLOUT_REPLICA_ID: id }), address: host.address };
    this.replicas.push(replica);
    const { healthPort } = this.settings;
    const { credentials } = await import('@grpc/grpc-js');
    const healthAddress = `${host.address}:${healthPort ?? this.settings.servicePort ?? SERVICE_PORT}`;
    await waitUntilServing(healthAddress, healthPort ? credentials.createInsecure() : await this.credentials(kind), 30_000, replica.process.exited);
    replica.servingAt = Date.now();
    await this.settings.onReplicaServing?.(replica);
    return replica;
  }

  /** Adds a replica's address to its service's DNS name. */
  addToDns(replica: Replica): void {
    this.settings.dns.add(DNS_NAMES[replica.kind], replica.address);
    replica.addedToDnsAt = Date.now();
  }

  /** Removes a replica's address from its service's DNS name. */
  removeFromDns(replica: Replica): void {
    this.settings.dns.remove(DNS_NAMES[replica.kind], replica.address);
    replica.removedFromDnsAt = Date.now();
  }

  /** SIGTERM, wait for the exit (SIGKILL after `killAfterMs`), then remove the replica's host. */
  async terminate(replica: Replica, killAfterMs: number): Promise<void> {
    replica.sigtermAt = Date.now();
    replica.exitCode = await replica.process.stop(killAfterMs);
    await this.settings.network.removeHost(replica.process.host);
  }

  /** The replicas of `kind` still running. */
  running(kind: ServiceKind): Replica[] {
    return this.replicas.filter((r) => r.kind === kind && r.process.running);
  }

  /** Stops every process (replicas first), then Redis. */
  async stop(): Promise<void> {
    await Promise.all(this.replicas.filter((r) => r.process.running).map((r) => r.process.stop(5_000)));
    await this.issuer?.stop(5_000);
    await this.redis?.stop();
    for (const channel of this.#channels) channel.close();
  }
}
