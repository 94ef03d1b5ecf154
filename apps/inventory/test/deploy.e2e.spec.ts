import { createClient, closeClient } from '@rampart/client';
import { freePort, TestIssuer, TestPki, withBearer } from '@rampart/testing';
import { deployWorkspacePackage, linksLeaving, startDeployed, type DeployedProcess } from '@rampart/testing/internal';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryServiceDescriptor } from '../src/generated/index.js';
import { ORDERS_WORKLOAD } from '../src/index.js';

// Item 1 of the production issue: `pnpm deploy --prod` of the app gives a folder that runs with `node dist/main.js`
// and needs nothing else from the repository (its protos come with @rampart/protos). This runs the real command,
// starts the folder's main.js as its own process with config from the environment only (NODE_ENV=production, as in
// its image), and calls it over mTLS with a token from a test issuer. apps/issuer/test/deploy.e2e.spec.ts does the
// same for the issuer.
const AUDIENCE = 'spiffe://demo.rampart.dev/inventory';
let out: string;
let pki: TestPki;
let issuer: TestIssuer;
let app: DeployedProcess | undefined;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'rampart-deploy-'));
  await deployWorkspacePackage('@rampart/inventory', join(out, 'app'));
  pki = await TestPki.create('inventory', 'demo.rampart.dev');
  issuer = await TestIssuer.start({ audience: AUDIENCE });
  app = await startDeployed(join(out, 'app'), {
    NODE_ENV: 'production',
    RAMPART_SERVER_PORT: '0',
    RAMPART_SERVER_HEALTH_PORT: String(await freePort()),
    RAMPART_TLS_CERT_FILE: join(pki.dir, 'server.pem'),
    RAMPART_TLS_KEY_FILE: join(pki.dir, 'server-key.pem'),
    RAMPART_TLS_CA_FILE: join(pki.dir, 'ca.pem'),
    RAMPART_AUTH_ISSUER: issuer.url,
    RAMPART_AUTH_AUDIENCE: AUDIENCE,
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await issuer?.stop();
  pki?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('pnpm deploy --prod of @rampart/inventory', () => {
  it('holds the built app, its protos and production dependencies only, with no link back into the repository', () => {
    const folder = join(out, 'app');
    expect(linksLeaving(folder)).toEqual([]);
    expect(app?.has('dist/main.js')).toBe(true);
    expect(app?.has('node_modules/@rampart/protos/rampart/demo/inventory/v1/inventory.proto')).toBe(true);
    for (const devOnly of ['node_modules/@rampart/testing', 'node_modules/@rampart/codegen/src', 'node_modules/vitest', 'src', 'test']) {
      expect(app?.has(devOnly), devOnly).toBe(false);
    }
  });

  it('starts the plaintext health port the probes use (as its image configures it)', () => {
    expect((app as DeployedProcess).output()).toMatch(/"healthAddress":"127\.0\.0\.1:\d+".*"msg":"health port listening/);
  });

  it('serves an authenticated call from the deployed folder, and refuses one without a token', async () => {
    const orders = await pki.clientCertificate(ORDERS_WORKLOAD);
    const client = createClient(InventoryServiceDescriptor, {
      address: (app as DeployedProcess).listening['address'] as string,
      protoRoot: join(out, 'app', 'node_modules', '@rampart', 'protos'),
      credentials: pki.channelCredentials(orders),
    });
    try {
      const reader = await issuer.mint({ sub: 'alice' }, { scope: 'inventory:read', expiresIn: 600 });
      expect(await client.getStock({ sku: 'SKU-RED-MUG' }, withBearer(reader))).toMatchObject({ sku: 'SKU-RED-MUG', available: 40 });
      await expect(client.getStock({ sku: 'SKU-RED-MUG' })).rejects.toMatchObject({ status: 16 });
    } finally {
      closeClient(client);
    }
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await (app as DeployedProcess).stop()).toEqual({ code: 0, signal: null });
  });
});
