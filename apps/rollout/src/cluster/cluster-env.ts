import type { DevPkiPaths } from '@rampart/pki';
import { spiffeId } from '../rollout-pki.js';

/** The port every replica serves on (each has an address of its own). */
export const SERVICE_PORT = 50051;
export const ISSUER_PORT = 8443;
export const REDIS_PORT = 6379;

/** The DNS names of the two services, like headless Services' names. */
export const DNS_NAMES = { inventory: 'inventory.rollout.test', orders: 'orders.rollout.test' } as const;

export type ServiceKind = keyof typeof DNS_NAMES;

/** Who may get which tokens from the run's issuer. */
export function issuerClients(): unknown[] {
  const inventory = spiffeId('inventory');
  const orders = spiffeId('orders');
  return [
    {
      client_id: 'orders',
      spiffe_id: orders,
      resources: { [inventory]: ['inventory:read', 'inventory:reserve'] },
      exchange: { [inventory]: { 'orders:write': ['inventory:read', 'inventory:reserve'], 'orders:read': ['inventory:read'] } },
    },
    { client_id: 'load-client', spiffe_id: spiffeId('load-client'), resources: { [orders]: ['orders:read', 'orders:write'], [inventory]: ['inventory:read'] } },
  ];
}

function workload(pki: DevPkiPaths, name: string): { chain: string; key: string } {
  const w = pki.workloads[name];
  if (!w) throw new Error(`the run's PKI has no ${name} certificate`);
  return w;
}

/** Everything a replica of `kind` needs in its environment. */
export interface ReplicaEnvInput {
  readonly kind: ServiceKind;
  readonly address: string;
  /** The port the replica's server listens on. Default {@link SERVICE_PORT} (a proxy in front takes that one). */
  readonly port?: number;
  readonly pki: DevPkiPaths;
  readonly issuerUrl: string;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  /** `host:port` of the DNS server. */
  readonly dnsAuthority: string;
  /** Extra server settings (drain delay, connection age, …) as RAMPART_* variables. */
  readonly serverSettings: Readonly<Record<string, string>>;
  /** Extra client settings of orders' inventory client, as RAMPART_CLIENTS_INVENTORY_* variables. */
  readonly clientSettings: Readonly<Record<string, string>>;
}

/** A grpc-js target that resolves `name` through the harness's DNS server. */
export const dnsTarget = (authority: string, kind: ServiceKind): string => `dns://${authority}/${DNS_NAMES[kind]}:${SERVICE_PORT}`;

/** The environment of one replica: its address, TLS files, token settings, audit lines at info (to count calls). */
export function replicaEnv(input: ReplicaEnvInput): Record<string, string> {
  const files = workload(input.pki, input.kind);
  const common: Record<string, string> = {
    RAMPART_SERVER_HOST: input.address,
    RAMPART_SERVER_PORT: String(input.port ?? SERVICE_PORT),
    RAMPART_LOG_LEVEL: 'info',
    RAMPART_AUTH_AUDIT_ALLOW_LEVEL: 'info',
    RAMPART_AUTH_AUDIT_DENY_LEVEL: 'warn',
    RAMPART_TLS_CERT_FILE: files.chain,
    RAMPART_TLS_KEY_FILE: files.key,
    RAMPART_TLS_CA_FILE: input.pki.caCert,
    RAMPART_AUTH_ISSUER: input.issuerUrl,
    RAMPART_AUTH_AUDIENCE: spiffeId(input.kind),
    RAMPART_AUTH_ISSUER_CA_FILE: input.pki.caCert,
    ...input.serverSettings,
  };
  if (input.kind === 'inventory') {
    return { ...common, RAMPART_REDIS_URL: input.redisUrl, RAMPART_REDIS_KEY_PREFIX: input.redisKeyPrefix };
  }
  return {
    ...common,
    // grpc-js asks the DNS server named in a dns://host:port/ target only with its alternative (c-ares) resolver;
    // its default resolver (getaddrinfo) ignores the authority. In a cluster the system resolver is the cluster DNS.
    GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true',
    RAMPART_CLIENTS_INVENTORY_ADDRESS: dnsTarget(input.dnsAuthority, 'inventory'),
    RAMPART_CLIENTS_INVENTORY_EXPECTED_SERVER_ID: spiffeId('inventory'),
    RAMPART_CLIENTS_INVENTORY_AUDIENCE: spiffeId('inventory'),
    RAMPART_AUTH_CLIENT_ISSUER: input.issuerUrl,
    RAMPART_AUTH_CLIENT_ID: 'orders',
    // The load is one principal placing orders far faster than orders' @RateLimit lets a caller (20 at once, then 5 a
    // second): what is measured here is restarts and faults, so the limiter is off (its cost is in docs/benchmarks.md).
    RAMPART_RATELIMIT_ENABLED: 'false',
    ...input.clientSettings,
  };
}

/** The issuer's environment. */
export function issuerEnv(address: string, pki: DevPkiPaths, keysFile: string, logLevel: string, listenPort = ISSUER_PORT): Record<string, string> {
  const files = workload(pki, 'issuer');
  return {
    RAMPART_ISSUER_HOST: address,
    RAMPART_ISSUER_PORT: String(listenPort),
    RAMPART_ISSUER_URL: `https://${address}:${ISSUER_PORT}`,
    RAMPART_ISSUER_TLS_CERT_FILE: files.chain,
    RAMPART_ISSUER_TLS_KEY_FILE: files.key,
    RAMPART_ISSUER_TLS_CA_FILE: pki.caCert,
    RAMPART_ISSUER_KEYS_FILE: keysFile,
    RAMPART_ISSUER_CLIENTS: JSON.stringify(issuerClients()),
    RAMPART_ISSUER_LOG_LEVEL: logLevel,
  };
}
