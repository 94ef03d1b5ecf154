import { deployWorkspacePackage, linksLeaving, startDeployed, type DeployedProcess } from '@rampart/testing/internal';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENTS,
  clientCredentials,
  createTestPki,
  fetchJwks,
  httpsRequest,
  INVENTORY,
  removeTestPki,
  tokenRequest,
  verifyAccessToken,
  type TestPki,
} from './harness.js';

// Item 1 of the production issue, for the issuer: `pnpm deploy --prod` of it gives a folder that runs with
// `node dist/main.js` and nothing else from the repository (the issuer has no protos, but its workspace packages must
// ship their dist). This runs the real command, starts the folder's main.js with config from the environment only
// (NODE_ENV=production, as in its image), and gets a certificate-bound token from it with mTLS client credentials.
let pki: TestPki;
let app: DeployedProcess | undefined;
let url: string;

beforeAll(async () => {
  pki = await createTestPki();
  await deployWorkspacePackage('@rampart/issuer', join(pki.dir, 'app'));
  writeFileSync(join(pki.dir, 'server.pem'), pki.server.chainPem);
  writeFileSync(join(pki.dir, 'server-key.pem'), pki.server.keyPem, { mode: 0o600 });
  writeFileSync(join(pki.dir, 'ca.pem'), pki.ca.certPem);
  app = await startDeployed(join(pki.dir, 'app'), {
    NODE_ENV: 'production',
    RAMPART_ISSUER_HOST: '127.0.0.1',
    RAMPART_ISSUER_PORT: '0',
    RAMPART_ISSUER_TLS_CERT_FILE: join(pki.dir, 'server.pem'),
    RAMPART_ISSUER_TLS_KEY_FILE: join(pki.dir, 'server-key.pem'),
    RAMPART_ISSUER_TLS_CA_FILE: join(pki.dir, 'ca.pem'),
    RAMPART_ISSUER_KEYS_FILE: join(pki.dir, 'keys.json'),
    RAMPART_ISSUER_CLIENTS: JSON.stringify(CLIENTS),
  });
  url = app.listening['url'] as string;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await removeTestPki(pki);
});

describe('pnpm deploy --prod of @rampart/issuer', () => {
  it('holds the built issuer and production dependencies only, with no link back into the repository', () => {
    expect(linksLeaving(join(pki.dir, 'app'))).toEqual([]);
    // reflect-metadata ships: it is a peer dependency of @rampart/core and pki, which the app provides (ADR 0039)
    for (const shipped of ['dist/main.js', 'dist/rotate-keys-cli.js', 'node_modules/oidc-provider', 'node_modules/@rampart/pki/dist/index.js', 'node_modules/reflect-metadata']) {
      expect(app?.has(shipped), shipped).toBe(true);
    }
    for (const devOnly of ['node_modules/@peculiar/x509', 'node_modules/@rampart/testing', 'node_modules/vitest', 'src', 'test']) {
      expect(app?.has(devOnly), devOnly).toBe(false);
    }
  });

  it('serves discovery and issues a certificate-bound token to an mTLS client from the deployed folder', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const discovery = await httpsRequest(`${url}/.well-known/openid-configuration`, { ca: pki.ca.certPem });
    expect(discovery).toMatchObject({ status: 200, body: { issuer: url, jwks_uri: `${url}/jwks` } });
    const token = await clientCredentials(url, pki, 'orders', INVENTORY, 'inventory:read');
    const { payload } = await verifyAccessToken(token, await fetchJwks(url, pki), url, INVENTORY);
    expect(payload).toMatchObject({ client_id: 'orders', scope: 'inventory:read', cnf: { 'x5t#S256': pki.clients.orders.thumbprint } });
  });

  it('refuses a token request without a client certificate', async () => {
    const refused = await tokenRequest(url, pki, undefined, { grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).not.toHaveProperty('access_token');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await (app as DeployedProcess).stop()).toEqual({ code: 0, signal: null });
  });
});
