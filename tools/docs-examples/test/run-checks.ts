import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeClient, createClient, createMtlsChannelCredentials } from '@rampart/client';
import { ensureDevPki } from '@rampart/pki';
import type { RampartApp } from '@rampart/server';
import { freePort } from '@rampart/testing';
import { expect } from 'vitest';
import { InventoryServiceDescriptor } from '../examples/generated/index.js';
import { PROTO_ROOT } from '../examples/protos.js';

/**
 * How a block marked `<!-- run: name -->` is run and judged: the names its module must export (appended to it as
 * `export { … };`, in the compiled text too), and what to do around importing it.
 */
export interface RunCheck {
  readonly exports: readonly string[];
  /** Prepares the environment, imports the block (`load`), checks what it did, and cleans up. */
  run(load: () => Promise<Record<string, unknown>>): Promise<void>;
}

/** Sets environment variables for the duration of `body`, then restores them. */
async function withEnv(values: Record<string, string | undefined>, body: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const set = (entries: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  set(values);
  try {
    await body();
  } finally {
    set(before);
  }
}

/**
 * The README's service: it must start with real TLS (a CA and workload certificates from `ensureDevPki`, as the dev
 * PKI of `pnpm demo`) and answer calls from the orders workload over mutual TLS, a unary call and a reservation
 * that reports the caller's SPIFFE ID (the peer the mTLS rule checked).
 */
const inventoryService: RunCheck = {
  exports: ['app'],
  async run(load) {
    const dir = await mkdtemp(join(tmpdir(), 'docs-examples-'));
    try {
      const pki = await ensureDevPki({
        dir,
        trustDomain: 'demo.rampart.dev',
        workloads: [{ name: 'inventory' }, { name: 'orders', dnsNames: [], ipAddresses: [] }],
      });
      const server = pki.workloads['inventory']!;
      const orders = pki.workloads['orders']!;
      const port = await freePort();
      const env = {
        RAMPART_CONFIG: undefined,
        RAMPART_SERVER_PORT: String(port),
        RAMPART_TLS_CERT_FILE: server.chain,
        RAMPART_TLS_KEY_FILE: server.key,
        RAMPART_TLS_CA_FILE: pki.caCert,
        RAMPART_LOG_LEVEL: 'warn',
      };
      await withEnv(env, async () => {
        const { app } = (await load()) as { app: RampartApp };
        const mtls = createMtlsChannelCredentials({
          certFile: orders.chain,
          keyFile: orders.key,
          caFile: pki.caCert,
          expectedServerId: server.spiffeId,
        });
        const inventory = createClient(InventoryServiceDescriptor, { address: `127.0.0.1:${port}`, protoRoot: PROTO_ROOT, credentials: mtls.credentials });
        try {
          await mtls.ready;
          expect(app.state).toBe('listening');
          expect(await inventory.getStock({ sku: 'A-1' })).toEqual({ sku: 'A-1', available: 10, reserved: 0 });
          const reservation = await inventory.reserve({ sku: 'A-1', quantity: 2, orderId: 'o-1' });
          expect(reservation).toMatchObject({ remaining: 8, reservedFor: orders.spiffeId });
        } finally {
          closeClient(inventory);
          mtls.close();
          await app.close({ drainDelayMs: 0, graceMs: 1_000 });
        }
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** The run checks by the name their marker gives. */
export const RUN_CHECKS: Readonly<Record<string, RunCheck>> = { 'inventory-service': inventoryService };
