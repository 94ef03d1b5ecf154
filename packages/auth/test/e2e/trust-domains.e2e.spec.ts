import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { GrpcService, Status, type CallContext } from '@rampart/core';
import { createCa, formatSpiffeBundle, issueCertificate, type CertificateAuthority } from '@rampart/pki';
import { startTestApp, TEST_TRUST_DOMAIN, type TestApp } from '@rampart/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequireMtls } from '../../src/index.js';
import { VaultServiceDescriptor } from '../generated/index.js';
import type { ReadRequest__Output, Secret, Secret__Output, StoreResponse } from '../generated/index.js';
import { call, captureLogs, failed, KINDS, LEVEL } from './e2e-support.js';
import { stringField1 } from './raw-h2.js';
import { unaryOnResumableTls } from './resumable-h2.js';
import { vaultApp } from './vault-app.js';

// Item 4 of issue 16, through a real server: a service of test.rampart.dev federates with partner.example. TLS trusts
// both CAs (the union of the bundles); a client certificate counts only if its chain leads to a CA in the bundle of
// the trust domain in its own SPIFFE ID. Partner's CA issuing one of our IDs is the attack.
const ORDERS = `spiffe://${TEST_TRUST_DOMAIN}/orders`;
const PARTNER_X = 'spiffe://partner.example/x';
const PATH = { read: 'Read', watch: 'Watch', store: 'Store', exchange: 'Exchange' } as const;

const ran: { method: string; peer: string | undefined }[] = [];

@GrpcService(VaultServiceDescriptor)
@RequireMtls({ allow: [ORDERS, PARTNER_X] })
class FederatedVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push({ method: 'read', peer: ctx.peer?.spiffeId });
    return Promise.resolve({ name: req.name, value: ctx.peer?.spiffeId ?? '' });
  }

  async *watch(req: ReadRequest__Output, ctx: CallContext): AsyncIterable<Secret> {
    ran.push({ method: 'watch', peer: ctx.peer?.spiffeId });
    yield { name: req.name, value: ctx.peer?.spiffeId ?? '' };
  }

  async store(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): Promise<StoreResponse> {
    ran.push({ method: 'store', peer: ctx.peer?.spiffeId });
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    return { stored };
  }

  async *exchange(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): AsyncIterable<Secret> {
    ran.push({ method: 'exchange', peer: ctx.peer?.spiffeId });
    for await (const secret of secrets) yield { name: secret.name, value: ctx.peer?.spiffeId ?? '' };
  }
}

let dir: string;
let partner: CertificateAuthority;
/** An intermediate under partner's root (as SPIRE signs with): its workloads present leaf + intermediate. */
let partnerIntermediate: CertificateAuthority;
let partnerBundle: string;
const logs = captureLogs('vault');

/** A vault app whose federated bundles are `federatedBundles` (partner's bundle file under the given trust domain). */
function startVault(federatedBundles: Record<string, string>): Promise<TestApp> {
  return startTestApp(vaultApp([FederatedVault], { logger: logs.logger, values: { transport: { tls: { federatedBundles } } } }));
}

/** Credentials presenting a certificate for `spiffeId` issued by `ca`, trusting the app's server certificate. */
async function presenting(t: TestApp, spiffeId: string, ca: CertificateAuthority): Promise<ChannelCredentials> {
  const issued = await issueCertificate(ca, { spiffeId, usage: 'client' });
  return credentials.createSsl(Buffer.from(t.pki!.ca.certPem), Buffer.from(issued.keyPem), Buffer.from(issued.chainPem));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-trust-domains-'));
  partner = await createCa({ commonName: 'partner CA', pathLength: 1 });
  partnerIntermediate = await createCa({ commonName: 'partner intermediate', issuer: partner });
  partnerBundle = join(dir, 'partner.bundle.json');
  writeFileSync(partnerBundle, formatSpiffeBundle([partner.certPem], { sequence: 1, refreshHintSeconds: 300 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  ran.length = 0;
  logs.clear();
});

describe("a server federating with partner.example (partner's SPIFFE bundle configured for partner.example)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startVault({ 'partner.example': partnerBundle });
  });
  afterAll(() => t?.close());

  it.each(KINDS)("%s: partner's CA issuing one of OUR IDs is refused UNAUTHENTICATED, the audit says why, no handler runs", async (kind) => {
    const client = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, ORDERS, partner) });
    const error = failed(await call(client, kind, {}));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(error.message).toBe('client certificate required');
    expect(ran).toEqual([]);
    const audits = logs.audits();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.level).toBe(LEVEL.warn);
    expect(audits[0]?.audit).toMatchObject({
      method: `/rampart.authtest.v1.VaultService/${PATH[kind]}`,
      decision: 'deny',
      reason: 'ERR_NO_CLIENT_CERTIFICATE',
      status: Status.UNAUTHENTICATED,
      detail: `client certificate ${ORDERS} refused: its chain does not lead to a CA in the trust bundle of ${TEST_TRUST_DOMAIN} (issuer: CN=partner CA)`,
    });
    expect(audits[0]?.audit.peer).toBeUndefined();
  });

  it.each(KINDS)("%s: partner's CA issuing a partner ID is accepted, and the handler sees it", async (kind) => {
    const client = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, PARTNER_X, partner) });
    const outcome = await call(client, kind, {});
    expect(outcome.ok).toBe(true);
    expect(ran).toEqual([{ method: kind, peer: PARTNER_X }]);
    expect(logs.audits()[0]?.audit).toMatchObject({ decision: 'allow', peer: PARTNER_X });
  });

  it("follows the intermediate the peer sent: partner's intermediate is accepted for partner's IDs, refused for ours", async () => {
    const accepted = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, PARTNER_X, partnerIntermediate) });
    expect(await accepted.read({ name: 'db' })).toEqual({ name: 'db', value: PARTNER_X });
    const forged = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, ORDERS, partnerIntermediate) });
    expect(failed(await call(forged, 'read', {})).status).toBe(Status.UNAUTHENTICATED);
    expect(ran).toEqual([{ method: 'read', peer: PARTNER_X }]);
    expect(logs.audits().map((line) => line.audit.detail)).toContain(
      `client certificate ${ORDERS} refused: its chain does not lead to a CA in the trust bundle of ${TEST_TRUST_DOMAIN} (issuer: CN=partner intermediate)`,
    );
  });

  it("accepts partner's intermediate-issued workload again on a resumed TLS session, which carries the leaf alone", async () => {
    // Envoy upstreams, Node's https Agent and undici resume sessions on reconnect; the chain check must still find
    // the intermediate (seen at the full handshake), or every reconnect of such a workload would be refused.
    const issued = await issueCertificate(partnerIntermediate, { spiffeId: PARTNER_X, usage: 'client' });
    const options = {
      port: t.port,
      caPem: t.pki!.ca.certPem,
      client: { certPem: issued.chainPem, keyPem: issued.keyPem },
      path: '/rampart.authtest.v1.VaultService/Read',
      request: stringField1('db'),
    };
    const first = await unaryOnResumableTls(options);
    expect([first.status, first.resumed]).toEqual([Status.OK, false]);
    const again = await unaryOnResumableTls({ ...options, session: first.session });
    expect([again.status, again.resumed]).toEqual([Status.OK, true]);
    expect(ran).toEqual([
      { method: 'read', peer: PARTNER_X },
      { method: 'read', peer: PARTNER_X },
    ]);
  });

  it('our own CA still vouches for our IDs', async () => {
    const client = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, ORDERS, t.pki!.ca) });
    expect(await client.read({ name: 'db' })).toEqual({ name: 'db', value: ORDERS });
  });
});

describe("a server that has partner's bundle under another trust domain", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startVault({ 'elsewhere.example': partnerBundle });
  });
  afterAll(() => t?.close());

  it("refuses partner's workload: its trust domain has no bundle, whichever CA TLS verified it against", async () => {
    const client = await t.client(VaultServiceDescriptor, { credentials: await presenting(t, PARTNER_X, partner) });
    const error = failed(await call(client, 'read', {}));
    expect(error.status).toBe(Status.UNAUTHENTICATED);
    expect(ran).toEqual([]);
    expect(logs.audits()[0]?.audit).toMatchObject({
      decision: 'deny',
      reason: 'ERR_NO_CLIENT_CERTIFICATE',
      detail: `client certificate ${PARTNER_X} refused: no trust bundle is configured for trust domain partner.example (bundles: ${TEST_TRUST_DOMAIN}, elsewhere.example)`,
    });
  });
});

describe('start-up', () => {
  it('stops on a federated bundle that cannot be read, naming the setting', async () => {
    await expect(startVault({ 'partner.example': join(dir, 'missing.json') })).rejects.toThrow(
      `cannot read transport.tls.federatedBundles["partner.example"] ${join(dir, 'missing.json')}: ENOENT`,
    );
  });

  it('stops on a federated trust domain that is not a trust domain name, naming the setting', async () => {
    await expect(startVault({ 'spiffe://partner.example': partnerBundle })).rejects.toThrow(
      /^transport\.tls\.federatedBundles: "spiffe:\/\/partner\.example" is not a trust domain name/,
    );
  });
});
