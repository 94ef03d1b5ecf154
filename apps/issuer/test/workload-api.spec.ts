// Issue 22 at the issuer: issuer.tls.source = workload-api. Its HTTPS certificate, key and the trust bundles that
// tls_client_auth checks client certificates against (its own trust domain's and the federated ones) stream from a
// SPIFFE Workload API (the test agent) and rotate in memory: no TLS file is read.
import { loadConfig } from '@rampart/config';
import { createLogger } from '@rampart/telemetry';
import { TestTrustDomain, TestWorkloadApi } from '@rampart/spiffe/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuer, issuerConfigSchema, issuerOptionsFromConfig, type Issuer, type IssuerClientConfig } from '../src/index.js';
import { CLIENTS, httpsRequest, INVENTORY, LogLines, ORDERS, TRUST_DOMAIN, type ClientIdentity } from './harness.js';

const ISSUER = `spiffe://${TRUST_DOMAIN}/issuer`;
const PARTNER_X = 'spiffe://partner.example/x';
const PARTNER_CLIENT: IssuerClientConfig = { client_id: 'partner-x', spiffe_id: PARTNER_X, resources: { [INVENTORY]: ['inventory:read'] } };

let dir: string;
let own: TestTrustDomain;
let partner: TestTrustDomain;
let agent: TestWorkloadApi;
let issuer: Issuer;
let url: string;
const logs = new LogLines();

const identityOf = async (domain: TestTrustDomain, spiffeId: string): Promise<ClientIdentity> => {
  const svid = await domain.mintX509Svid(spiffeId, 600_000);
  return { cert: svid.certificatePem, key: svid.privateKeyPem, thumbprint: svid.fingerprint256 };
};
const tokenFor = (client: ClientIdentity, client_id: string) =>
  httpsRequest(`${url}/token`, { ca: own.ca.certPem, client, form: { grant_type: 'client_credentials', client_id, resource: INVENTORY, scope: 'inventory:read' } });

/** The fingerprint of the certificate a new connection to the issuer is served. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: own.ca.certPem }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-issuer-workload-api-'));
  [own, partner] = await Promise.all([TestTrustDomain.create(TRUST_DOMAIN), TestTrustDomain.create('partner.example')]);
  agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ISSUER, dnsNames: ['localhost'] }], trustDomain: own, federated: [partner] });
  const config = loadConfig({
    schemas: [issuerConfigSchema],
    values: {
      issuer: {
        host: '127.0.0.1',
        port: 0,
        tls: { source: 'workload-api' },
        workloadApi: { address: agent.address },
        keysFile: join(dir, 'keys.json'),
        clients: [...CLIENTS, PARTNER_CLIENT],
      },
    },
    env: {},
  });
  const logger = createLogger({ name: 'issuer-test', destination: logs.stream });
  issuer = await createIssuer({ ...(await issuerOptionsFromConfig(config, logger)), logger });
  const listening = await issuer.listen();
  url = `https://localhost:${listening.port}`;
});
afterAll(async () => {
  await issuer?.close();
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an issuer whose TLS comes from the Workload API', () => {
  it('issues a token to a client authenticating with an SVID of its trust domain (tls_client_auth), no TLS file read', async () => {
    const orders = await identityOf(own, ORDERS);
    const granted = await tokenFor(orders, 'orders');
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer' });
  });

  it("refuses partner's CA vouching for one of its own IDs, and accepts a partner workload through partner's federated bundle", async () => {
    const forged = await tokenFor(await identityOf(partner, ORDERS), 'orders');
    expect(forged).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const partnerX = await tokenFor(await identityOf(partner, PARTNER_X), 'partner-x');
    expect(partnerX.status).toBe(200);
  });

  it('serves a rotated SVID to new connections, and bundles the agent pushes (a federated CA rotation) to the next request', async () => {
    const port = Number(new URL(url).port);
    expect(await servedFingerprint(port)).toBe(agent.svids[0]!.fingerprint256);
    await agent.rotate();
    await expect.poll(() => servedFingerprint(port), { timeout: 5_000, interval: 50 }).toBe(agent.svids[0]!.fingerprint256);
    await agent.federate('partner.example'); // a new partner CA joins the bundle
    await expect
      .poll(async () => (await tokenFor(await identityOf(partner, PARTNER_X), 'partner-x')).status, { timeout: 5_000, interval: 100 })
      .toBe(200);
  });

  it("logs where the issuer logs when the agent's stream breaks, and keeps serving its SVID", async () => {
    const port = Number(new URL(url).port);
    const serving = agent.svids[0]!.fingerprint256;
    await agent.stop();
    await expect.poll(() => logs.entries.some((e) => e['msg'] === 'the Workload API stream broke'), { timeout: 5_000, interval: 50 }).toBe(true);
    expect(await servedFingerprint(port)).toBe(serving);
    await agent.start();
  });
});
