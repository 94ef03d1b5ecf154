import { fileURLToPath } from 'node:url';
import { demoId, type DemoPki } from './dev-pki.js';
import { freePort } from './free-port.js';
import { startNode, type Managed } from './processes.js';
import { join } from 'node:path';

const main = (pkg: string): string => fileURLToPath(new URL('./main.js', import.meta.resolve(pkg)));

/** Who may get which tokens from the demo issuer. */
export function issuerClients(): unknown[] {
  return [
    {
      client_id: 'orders',
      spiffe_id: demoId('orders'),
      resources: { [demoId('inventory')]: ['inventory:read', 'inventory:reserve'] },
      exchange: { audiences: [demoId('inventory')] },
    },
    {
      client_id: 'demo-client',
      spiffe_id: demoId('demo-client'),
      resources: { [demoId('orders')]: ['orders:read', 'orders:write'], [demoId('inventory')]: ['inventory:read'] },
    },
    {
      client_id: 'intruder',
      spiffe_id: demoId('intruder'),
      resources: { [demoId('inventory')]: ['inventory:read'] },
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
    RAMPART_ISSUER_CLIENTS: JSON.stringify(issuerClients()),
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
