import { createMtlsChannelCredentials, createClient, closeClient, TokenClient, type MtlsChannel } from '@rampart/client';
import { createIssuer, type Issuer, type IssuerClientConfig } from '@rampart/issuer';
import { inventoryAppOptions } from '@rampart/inventory';
import { createCa, issueCertificate, type CertificateAuthority } from '@rampart/pki';
import type { Interceptor, Logger } from '@rampart/core';
import { createApp, type CreateAppOptions, type RampartApp } from '@rampart/server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ordersAppOptions, PROTO_ROOT } from '../src/app.js';
import { OrdersServiceDescriptor, type OrdersServiceClient } from '../src/generated/index.js';

export const ID = (name: string) => `spiffe://demo.rampart.dev/${name}`;
export const INVENTORY = ID('inventory');
export const ORDERS = ID('orders');
export const ALICE = ID('demo-client');
export const BOB = ID('demo-client-2');
export const SUPPORT = ID('support');

/** Who may get which tokens at the test issuer. */
export const CLIENTS: IssuerClientConfig[] = [
  {
    client_id: 'orders',
    spiffe_id: ORDERS,
    resources: { [INVENTORY]: ['inventory:read', 'inventory:reserve'] },
    exchange: { [INVENTORY]: { 'orders:write': ['inventory:read', 'inventory:reserve'], 'orders:read': ['inventory:read'] } },
  },
  { client_id: 'demo-client', spiffe_id: ALICE, resources: { [ORDERS]: ['orders:read', 'orders:write'], [INVENTORY]: ['inventory:read'] } },
  { client_id: 'demo-client-2', spiffe_id: BOB, resources: { [ORDERS]: ['orders:read', 'orders:write'] } },
  { client_id: 'support', spiffe_id: SUPPORT, resources: { [ORDERS]: ['orders:read', 'orders:admin'] } },
];

interface Files {
  cert: string;
  key: string;
}

/**
 * The demo world in one process, for tests: a CA, the issuer (oidc-provider) over HTTPS, inventory and orders over
 * mutual TLS on free loopback ports, and helpers to call orders as a workload.
 */
export class DemoWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'rampart-s2s-'));
  readonly caFile = join(this.dir, 'ca.pem');
  issuer!: Issuer;
  issuerUrl = '';
  inventory!: RampartApp;
  orders!: RampartApp;
  ordersAddress = '';
  inventoryAddress = '';
  readonly #channels: MtlsChannel[] = [];
  readonly #clients: object[] = [];
  readonly #tokenClients: TokenClient[] = [];
  #ca!: CertificateAuthority;
  readonly #workloads = new Map<string, Promise<Files>>();

  /**
   * Starts the issuer, inventory and orders. `moreClients` registers further clients at the issuer, once the CA
   * exists (so their certificates can be issued with {@link workload}).
   */
  async start(options: { accessTokenTtlSec?: number; moreClients?: (world: DemoWorld) => Promise<IssuerClientConfig[]> } = {}): Promise<this> {
    this.#ca = await createCa({ commonName: 'demo world CA' });
    writeFileSync(this.caFile, this.#ca.certPem);
    const more = (await options.moreClients?.(this)) ?? [];
    const issuerCert = await issueCertificate(this.#ca, { spiffeId: ID('issuer'), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
    this.issuer = await createIssuer({
      host: '127.0.0.1',
      port: 0,
      tls: { cert: issuerCert.chainPem, key: issuerCert.keyPem, ca: this.#ca.certPem },
      keysFile: join(this.dir, 'issuer-keys.json'),
      accessTokenTtlSec: options.accessTokenTtlSec ?? 120,
      clients: [...CLIENTS, ...more],
    });
    this.issuerUrl = (await this.issuer.listen()).url;
    const inv = await this.workload('inventory');
    this.inventory = await createApp({
      ...inventoryAppOptions(),
      config: { env: {}, values: this.#values(inv, INVENTORY, {}) },
      handleSignals: false,
    });
    this.inventoryAddress = `127.0.0.1:${(await this.inventory.listen()).port}`;
    this.orders = await this.createOrders({ expectedServerId: INVENTORY });
    this.ordersAddress = `127.0.0.1:${(await this.orders.listen()).port}`;
    return this;
  }

  /**
   * An orders app (not listening yet) that sends tokens to inventory, with `inventory` merged over its client
   * settings (address: the world's inventory; audience: inventory), serving `services` instead of OrdersService when
   * given. Close it yourself.
   */
  async createOrders(inventory: Record<string, unknown>, logger?: Logger, services?: CreateAppOptions['services']): Promise<RampartApp> {
    const files = await this.workload('orders');
    return createApp({
      ...ordersAppOptions(),
      ...(services ? { services } : {}),
      ...(logger ? { logger } : {}),
      config: {
        env: {},
        values: this.#values(files, ORDERS, {
          clients: { inventory: { address: this.inventoryAddress, audience: INVENTORY, ...inventory } },
          auth: { client: { issuer: this.issuerUrl, clientId: 'orders' } },
        }),
      },
      handleSignals: false,
    });
  }

  /** The inventory app's code served with the certificate of another workload of the trust domain. Close it yourself. */
  async startInventoryAs(name: string, interceptors: Interceptor[] = []): Promise<{ app: RampartApp; address: string }> {
    const app = await createApp({
      ...inventoryAppOptions(),
      interceptors,
      config: { env: {}, values: this.#values(await this.workload(name), INVENTORY, {}) },
      handleSignals: false,
    });
    return { app, address: `127.0.0.1:${(await app.listen()).port}` };
  }

  /**
   * Certificate files for a workload of the demo trust domain, issued on first use and the same files after that: a
   * second issue would rewrite the files under a running app, whose token client then reads the new certificate
   * while its channels still present the old one (tokens bound to a certificate the calls do not show).
   */
  workload(name: string): Promise<Files> {
    let files = this.#workloads.get(name);
    if (files === undefined) {
      files = this.#issue(name);
      this.#workloads.set(name, files);
    }
    return files;
  }

  async #issue(name: string): Promise<Files> {
    const issued = await issueCertificate(this.#ca, { spiffeId: ID(name), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'both' });
    const files = { cert: join(this.dir, `${name}.pem`), key: join(this.dir, `${name}-key.pem`) };
    writeFileSync(files.cert, issued.chainPem);
    writeFileSync(files.key, issued.keyPem, { mode: 0o600 });
    return files;
  }

  /** A token client for a workload registered at the issuer. */
  tokenClient(files: Files, clientId: string, extra: Partial<ConstructorParameters<typeof TokenClient>[0]> = {}): TokenClient {
    const client = new TokenClient({ issuer: this.issuerUrl, clientId, certFile: files.cert, keyFile: files.key, caFile: this.caFile, ...extra });
    this.#tokenClients.push(client);
    return client;
  }

  /** A typed orders client calling as the given workload, with tokens from `tokens`. */
  /** An orders client of the registered client `clientId`: its workload certificate and its own token client. */
  async ordersClientAs(clientId: string): Promise<OrdersServiceClient> {
    const files = await this.workload(clientId);
    return this.ordersClient(files, this.tokenClient(files, clientId));
  }

  async ordersClient(files: Files, tokens: TokenClient, expectedServerId = ORDERS, address = this.ordersAddress): Promise<OrdersServiceClient> {
    const channel = createMtlsChannelCredentials({ certFile: files.cert, keyFile: files.key, caFile: this.caFile, expectedServerId });
    this.#channels.push(channel);
    await channel.ready;
    const client = createClient(OrdersServiceDescriptor, {
      address,
      protoRoot: PROTO_ROOT,
      credentials: channel.credentials,
      tokens: { source: tokens, audience: ORDERS },
      channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    });
    this.#clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.#clients) closeClient(client);
    for (const channel of this.#channels) channel.close();
    for (const tokens of this.#tokenClients) await tokens.close();
    await this.orders?.close({ graceMs: 200 });
    await this.inventory?.close({ graceMs: 200 });
    await this.issuer?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #values(files: Files, audience: string, extra: Record<string, Record<string, unknown>>): Record<string, unknown> {
    return {
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 200 },
      log: { level: 'silent' },
      transport: { tls: { certFile: files.cert, keyFile: files.key, caFile: this.caFile } },
      ...extra,
      auth: { tokens: { issuer: this.issuerUrl, audience }, issuerCaFile: this.caFile, ...(extra.auth ?? {}) },
    };
  }
}
