// Issue 16 item 4 at the issuer: tls_client_auth through the real issuer over HTTPS. The issuer (test.rampart.dev)
// federates with partner.example; TLS trusts both CAs, and a client certificate must also chain to the bundle of the
// trust domain in its own SPIFFE ID, so partner's CA cannot authenticate as one of the issuer's own workloads.
import { createCa, formatSpiffeBundle, issueCertificate, type CertificateAuthority } from '@rampart/pki';
import { loadConfig } from '@rampart/config';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerConfigSchema, issuerOptionsFromConfig, type IssuerClientConfig } from '../src/index.js';
import { CLIENTS, createTestPki, INVENTORY, lastRefusal, ORDERS, removeTestPki, startIssuer, tokenRequest, type ClientIdentity, type TestPki } from './harness.js';

const PARTNER_X = 'spiffe://partner.example/x';
const PARTNER_CLIENT: IssuerClientConfig = { client_id: 'partner-x', spiffe_id: PARTNER_X, resources: { [INVENTORY]: ['inventory:read'] } };

let pki: TestPki;
let partner: CertificateAuthority;
/** Partner's CA issuing the SPIFFE ID of the issuer's own client `orders`: the attack. */
let forgedOrders: ClientIdentity;
/** Partner's CA issuing a partner workload's SPIFFE ID, registered as client `partner-x`. */
let partnerX: ClientIdentity;

const asClient = (client_id: string) => ({ grant_type: 'client_credentials', client_id, resource: INVENTORY, scope: 'inventory:read' });

/** The issuer with partner's bundle (a SPIFFE bundle) under `domain`. */
function startFederated(domain: string, keys: string) {
  return startIssuer(pki, {
    keysFile: join(pki.dir, keys),
    tls: {
      cert: pki.server.chainPem,
      key: pki.server.keyPem,
      ca: pki.ca.certPem,
      federatedBundles: { [domain]: formatSpiffeBundle([partner.certPem]) },
    },
    clients: [...CLIENTS, PARTNER_CLIENT],
  });
}

beforeAll(async () => {
  pki = await createTestPki();
  partner = await createCa({ commonName: 'partner CA', validityDays: 1 });
  const issue = async (spiffeId: string): Promise<ClientIdentity> => {
    const issued = await issueCertificate(partner, { spiffeId, usage: 'client' });
    return { cert: issued.certPem, key: issued.keyPem, thumbprint: issued.thumbprint };
  };
  forgedOrders = await issue(ORDERS);
  partnerX = await issue(PARTNER_X);
});
afterAll(() => removeTestPki(pki));

describe("tls_client_auth with partner's bundle configured for partner.example", () => {
  let started: Awaited<ReturnType<typeof startIssuer>>;
  beforeAll(async () => {
    started = await startFederated('partner.example', 'keys-federated.json');
  });
  afterAll(() => started?.issuer.close());

  it("refuses partner's CA issuing the SPIFFE ID of one of the issuer's own clients: 401, no token, the log says why", async () => {
    const before = started.granted();
    const refused = await tokenRequest(started.url, pki, forgedOrders, asClient('orders'));
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(started.granted()).toBe(before);
    expect(lastRefusal(started.logs)).toMatchObject({
      clientId: 'orders',
      detail: 'client certificate was not verified',
      certificateProblem: 'it does not chain to the trust bundle of test.rampart.dev',
    });
  });

  it("accepts partner's CA for a partner workload registered as a client", async () => {
    const before = started.granted();
    const granted = await tokenRequest(started.url, pki, partnerX, asClient('partner-x'));
    expect(granted.status).toBe(200);
    expect(granted.body['access_token']).toEqual(expect.any(String));
    expect(started.granted()).toBe(before + 1);
  });

  it('still authenticates its own workloads with its own CA', async () => {
    const granted = await tokenRequest(started.url, pki, pki.clients.orders, asClient('orders'));
    expect(granted.status).toBe(200);
  });
});

describe("tls_client_auth with partner's bundle configured under another trust domain", () => {
  it("refuses partner's workload: its trust domain has no bundle", async () => {
    const started = await startFederated('elsewhere.example', 'keys-elsewhere.json');
    try {
      const refused = await tokenRequest(started.url, pki, partnerX, asClient('partner-x'));
      expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(lastRefusal(started.logs)).toMatchObject({
        clientId: 'partner-x',
        certificateProblem: 'no trust bundle is configured for trust domain partner.example',
      });
    } finally {
      await started.issuer.close();
    }
  });
});

describe('configuration', () => {
  it('reads federated bundles from issuer.tls.federatedBundles, and names one that cannot be read', async () => {
    const file = (name: string, text: string) => {
      writeFileSync(join(pki.dir, name), text);
      return join(pki.dir, name);
    };
    const tls = {
      certFile: file('issuer.pem', pki.server.chainPem),
      keyFile: file('issuer-key.pem', pki.server.keyPem),
      caFile: file('ca.pem', pki.ca.certPem),
    };
    const optionsWith = (federatedBundles: Record<string, string>) =>
      issuerOptionsFromConfig(loadConfig({ schemas: [issuerConfigSchema], env: {}, values: { issuer: { tls: { ...tls, federatedBundles } } } }));
    const partnerFile = file('partner.bundle.json', formatSpiffeBundle([partner.certPem]));
    const options = await optionsWith({ 'partner.example': partnerFile });
    expect(options.tls.federatedBundles).toEqual({ 'partner.example': formatSpiffeBundle([partner.certPem]) });
    expect(options.tlsFiles?.federatedBundles).toEqual({ 'partner.example': partnerFile });
    const missing = join(pki.dir, 'missing.json');
    await expect(optionsWith({ 'partner.example': missing })).rejects.toThrow(
      `issuer.tls.federatedBundles["partner.example"]: cannot read ${missing} (ENOENT)`,
    );
  });

  it('stops the issuer on a federated bundle that lists a CA naming another trust domain, naming the setting', async () => {
    const spirePartner = await createCa({ commonName: 'partner SPIRE CA', validityDays: 1, trustDomain: 'partner.example' });
    await expect(
      startIssuer(pki, {
        keysFile: join(pki.dir, 'keys-bad.json'),
        tls: { cert: pki.server.chainPem, key: pki.server.keyPem, ca: pki.ca.certPem + spirePartner.certPem },
      }),
    ).rejects.toThrow(/issuer\.tls\.caFile .* holds the CA "CN=partner SPIRE CA" of trust domain partner\.example/);
  });
});
