import { createRequire } from 'node:module';
import { demoId, type DemoPki } from './dev-pki.js';
import { freePort } from './free-port.js';
import { startNode, type Managed } from './processes.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// createRequire rather than import.meta.resolve, which vitest's module runner does not provide (the trace test starts
// the world too); the packages' "exports" have a "default" condition, which require.resolve matches.
const resolvePackage = createRequire(import.meta.url).resolve;
const main = (pkg: string): string => join(dirname(resolvePackage(pkg)), 'main.js');

interface ClientEntry {
  client_id: string;
  spiffe_id: string;
  resources: Record<string, string[]>;
  /** Audience → scope of the caller's token → the scopes it delegates there (see apps/issuer). */
  exchange?: Record<string, Record<string, string[]>>;
}

/**
 * Who may get which tokens from the demo issuer: the sample workloads, merged with the workloads `rampart new
 * service` registered in `.rampart/issuer/clients.json` (resources and exchange delegations are unioned per client).
 */
export function issuerClients(runtimeDir?: string): unknown[] {
  const base = sampleClients();
  const file = runtimeDir === undefined ? undefined : join(runtimeDir, 'issuer', 'clients.json');
  if (file === undefined || !existsSync(file)) return base;
  const extra = (JSON.parse(readFileSync(file, 'utf8')) as { issuer?: { clients?: ClientEntry[] } }).issuer?.clients ?? [];
  const byId = new Map(base.map((c) => [c.client_id, c]));
  for (const entry of extra) {
    const known = byId.get(entry.client_id);
    if (!known) {
      byId.set(entry.client_id, entry);
      continue;
    }
    for (const [audience, scopes] of Object.entries(entry.resources)) {
      known.resources[audience] = union(known.resources[audience], scopes);
    }
    for (const [audience, delegations] of Object.entries(entry.exchange ?? {})) {
      const merged = ((known.exchange ??= {})[audience] ??= {});
      for (const [subjectScope, scopes] of Object.entries(delegations)) merged[subjectScope] = union(merged[subjectScope], scopes);
    }
  }
  return [...byId.values()];
}

const union = (a: readonly string[] | undefined, b: readonly string[]): string[] => [...new Set([...(a ?? []), ...b])];

function sampleClients(): ClientEntry[] {
  return [
    {
      client_id: 'orders',
      spiffe_id: demoId('orders'),
      resources: { [demoId('inventory')]: ['inventory:read', 'inventory:reserve'] },
      // In a caller's name, orders may reserve stock only for a caller allowed to place orders.
      exchange: {
        [demoId('inventory')]: { 'orders:write': ['inventory:read', 'inventory:reserve'], 'orders:read': ['inventory:read'] },
      },
    },
    {
      client_id: 'demo-client',
      spiffe_id: demoId('demo-client'),
      resources: { [demoId('orders')]: ['orders:read', 'orders:write'], [demoId('inventory')]: ['inventory:read'] },
    },
    {
      client_id: 'intruder',
      spiffe_id: demoId('intruder'),
      // A valid orders:read token of its own: enough to call GetOrder, not to read someone else's order.
      resources: { [demoId('inventory')]: ['inventory:read'], [demoId('orders')]: ['orders:read'] },
    },
  ];
}

/** The running demo: three processes and where they listen. */
export interface World {
  readonly issuer: Managed;
  readonly inventory: Managed;
  readonly orders: Managed;
  readonly issuerUrl: string;
  readonly inventoryAddress: string;
  readonly ordersAddress: string;
}

/** Starts the issuer, inventory and orders as separate processes on free loopback ports. */
export async function startWorld(
  pki: DemoPki,
  runtimeDir: string,
  logLevel: string,
  onOutput?: (name: string) => (chunk: Buffer) => void,
): Promise<World> {
  const [issuerPort, inventoryPort, ordersPort] = [await freePort(), await freePort(), await freePort()];
  const issuerUrl = `https://localhost:${issuerPort}`;
  const files = (name: string) => {
    const w = pki.workloads[name];
    if (!w) throw new Error(`the dev PKI has no ${name} certificate`);
    return w;
  };
  const tls = (name: string) => ({
    RAMPART_TLS_CERT_FILE: files(name).chain,
    RAMPART_TLS_KEY_FILE: files(name).key,
    RAMPART_TLS_CA_FILE: pki.caCert,
  });
  const tokens = (audience: string) => ({
    RAMPART_AUTH_ISSUER: issuerUrl,
    RAMPART_AUTH_AUDIENCE: audience,
    RAMPART_AUTH_ISSUER_CA_FILE: pki.caCert,
    RAMPART_AUTH_AUDIT_DENY_LEVEL: 'info',
  });
  const issuer = startNode('issuer', main('@rampart/issuer'), {
    RAMPART_ISSUER_HOST: '127.0.0.1',
    RAMPART_ISSUER_PORT: String(issuerPort),
    RAMPART_ISSUER_URL: issuerUrl,
    RAMPART_ISSUER_TLS_CERT_FILE: files('issuer').chain,
    RAMPART_ISSUER_TLS_KEY_FILE: files('issuer').key,
    RAMPART_ISSUER_TLS_CA_FILE: pki.caCert,
    RAMPART_ISSUER_KEYS_FILE: join(runtimeDir, 'issuer', 'keys.json'),
    RAMPART_ISSUER_CLIENTS: JSON.stringify(issuerClients(runtimeDir)),
    RAMPART_ISSUER_LOG_LEVEL: logLevel,
  }, onOutput?.('issuer'));
  const inventory = startNode('inventory', main('@rampart/inventory'), {
    RAMPART_SERVER_HOST: '127.0.0.1',
    RAMPART_SERVER_PORT: String(inventoryPort),
    RAMPART_LOG_LEVEL: logLevel,
    ...tls('inventory'),
    ...tokens(demoId('inventory')),
  }, onOutput?.('inventory'));
  const orders = startNode('orders', main('@rampart/orders'), {
    RAMPART_SERVER_HOST: '127.0.0.1',
    RAMPART_SERVER_PORT: String(ordersPort),
    RAMPART_LOG_LEVEL: logLevel,
    ...tls('orders'),
    ...tokens(demoId('orders')),
    RAMPART_CLIENTS_INVENTORY_ADDRESS: `127.0.0.1:${inventoryPort}`,
    RAMPART_CLIENTS_INVENTORY_EXPECTED_SERVER_ID: demoId('inventory'),
    RAMPART_CLIENTS_INVENTORY_AUDIENCE: demoId('inventory'),
    RAMPART_AUTH_CLIENT_ISSUER: issuerUrl,
    RAMPART_AUTH_CLIENT_ID: 'orders',
  }, onOutput?.('orders'));
  return {
    issuer,
    inventory,
    orders,
    issuerUrl,
    inventoryAddress: `127.0.0.1:${inventoryPort}`,
    ordersAddress: `127.0.0.1:${ordersPort}`,
  };
}
