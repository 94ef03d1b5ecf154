import { GrpcService, Status, type CallContext } from '@rampart/core';
import { JwtSource } from '@rampart/spiffe';
import { TestWorkloadApi } from '@rampart/spiffe/testing';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticated, rampartAuth } from '../../src/index.js';
import { VaultServiceDescriptor, type ReadRequest__Output, type Secret, type StoreResponse, type VaultServiceClient } from '../generated/index.js';
import { call, captureLogs, expectNoTokenIn, failed } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 22, the second "done when": @Authenticated accepts a JWT-SVID minted by the test agent (the Workload API
// server of @rampart/spiffe/testing, behaving as SPIRE's agent) and refuses one for another audience, expired, or
// signed by a key of another trust domain. The server trusts its own trust domain and a federated one, both with
// `workloadApi: true`: their JWT bundles come from a JwtSource on the agent (rampartAuth({ jwtBundles })), and the
// client gets its JWT-SVIDs from a JwtSource of its own.

const OWN = 'test.rampart.dev';
const PARTNER = 'partner.example';
const ORDERS = `spiffe://${OWN}/orders`;
const PARTNER_X = `spiffe://${PARTNER}/x`;
const AUDIENCE = `spiffe://${OWN}/vault`;

const ran: { subject: string | undefined; issuer: string | undefined }[] = [];

@GrpcService(VaultServiceDescriptor)
@Authenticated()
class AgentVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push({ subject: ctx.principal?.subject, issuer: ctx.principal?.issuer });
    return Promise.resolve({ name: req.name, value: ctx.principal?.subject ?? '' });
  }

  // The other call kinds are not called here.
  async *watch(): AsyncIterable<Secret> {}
  store(): Promise<StoreResponse> {
    return Promise.resolve({ stored: 0 });
  }
  async *exchange(): AsyncIterable<Secret> {}
}

let agent: TestWorkloadApi;
let serverJwt: JwtSource;
let clientJwt: JwtSource;
let t: TestApp;
let client: VaultServiceClient;
const logs = captureLogs('vault');

beforeAll(async () => {
  agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], federatedTrustDomains: [PARTNER] });
  serverJwt = await JwtSource.create({ address: agent.address });
  clientJwt = await JwtSource.create({ address: agent.address });
  t = await startTestApp(
    vaultApp([AgentVault], {
      logger: logs.logger,
      plugins: [rampartAuth({ jwtBundles: serverJwt })],
      values: {
        auth: {
          tokens: {
            audience: AUDIENCE,
            trustDomains: [
              { trustDomain: OWN, workloadApi: true },
              { trustDomain: PARTNER, workloadApi: true },
            ],
          },
        },
      },
    }),
  );
  client = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  serverJwt?.close();
  clientJwt?.close();
  await agent?.close();
});
beforeEach(() => {
  ran.length = 0;
  logs.clear();
});

const bearer = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });
/** The next JWT bundles update the server's JwtSource receives. */
const nextBundles = (): Promise<unknown> => new Promise((resolve) => serverJwt.once('update', resolve));

async function expectRefused(token: string, detail: RegExp, message = 'invalid token'): Promise<void> {
  ran.length = 0;
  logs.clear();
  const error = failed(await call(client, 'read', bearer(token)));
  expect({ code: error.status, message: error.message }).toEqual({ code: Status.UNAUTHENTICATED, message });
  expect(ran, 'the handler ran').toEqual([]);
  const audits = logs.audits();
  expect(audits.map((line) => line.audit.decision)).toEqual(['deny']);
  expect(audits[0]?.audit.detail).toMatch(detail);
  expectNoTokenIn(logs.lines, token);
}

describe('JWT-SVIDs from the test agent', () => {
  it('accepts the workload\'s own JWT-SVID (FetchJWTSVID), as its SPIFFE ID', async () => {
    const { token } = await clientJwt.fetchJwtSvid({ audience: [AUDIENCE] });
    expect(await call(client, 'read', bearer(token))).toEqual({ ok: true, values: [ORDERS] });
    expect(ran).toEqual([{ subject: ORDERS, issuer: `spiffe://${OWN}` }]);
    expect(logs.audits()[0]?.audit).toMatchObject({ decision: 'allow', subject: ORDERS, clientId: ORDERS });
  });

  it('accepts a federated trust domain\'s JWT-SVID, signed by that trust domain\'s key', async () => {
    const token = await agent.mintJwtSvid({ spiffeId: PARTNER_X, audience: [AUDIENCE] });
    expect(await call(client, 'read', bearer(token))).toEqual({ ok: true, values: [PARTNER_X] });
    expect(ran).toEqual([{ subject: PARTNER_X, issuer: `spiffe://${PARTNER}` }]);
  });

  it('refuses one for another audience', async () => {
    const { token } = await clientJwt.fetchJwtSvid({ audience: [`spiffe://${OWN}/billing`] });
    await expectRefused(token, /claim "aud" check_failed.*expected one of "spiffe:\/\/test\.rampart\.dev\/vault".*JWT-SVID of trust domain "test\.rampart\.dev"/);
  });

  it('refuses an expired one', async () => {
    const token = await agent.mintJwtSvid({ spiffeId: ORDERS, audience: [AUDIENCE], lifetimeSeconds: -120 });
    await expectRefused(token, /exp \d+ <= now \d+ - tolerance 30s \(JWT-SVID of trust domain "test\.rampart\.dev"/, 'token expired');
  });

  it('refuses one signed by a key of another trust domain, even a trusted (federated) one', async () => {
    const token = await agent.mintJwtSvid({ spiffeId: ORDERS, audience: [AUDIENCE], trustDomain: PARTNER });
    await expectRefused(token, /no key in the issuer JWKS matches.*JWT-SVID of trust domain "test\.rampart\.dev"/);
    const theOtherWay = await agent.mintJwtSvid({ spiffeId: PARTNER_X, audience: [AUDIENCE], trustDomain: OWN });
    await expectRefused(theOtherWay, /no key in the issuer JWKS matches.*JWT-SVID of trust domain "partner\.example"/);
  });

  it('follows the agent: a rotated JWT key is accepted at once, an unfederated trust domain refused at the next call', async () => {
    const rotated = nextBundles();
    await agent.rotateJwtKey();
    await rotated;
    const withNewKey = await agent.mintJwtSvid({ spiffeId: ORDERS, audience: [AUDIENCE] });
    expect(await call(client, 'read', bearer(withNewKey))).toEqual({ ok: true, values: [ORDERS] });
    // Verified once, then reused from the connection's memo (ADR 0008) on the calls after.
    const before = await agent.mintJwtSvid({ spiffeId: PARTNER_X, audience: [AUDIENCE] });
    for (let i = 0; i < 3; i++) expect((await call(client, 'read', bearer(before))).ok).toBe(true);
    const unfederated = nextBundles();
    agent.unfederate(PARTNER);
    await unfederated;
    await expectRefused(before, /is no longer in the bundle \("spiffe:\/\/partner\.example", cached\)/);
    await expectRefused(await agent.mintJwtSvid({ spiffeId: ORDERS, audience: [AUDIENCE], claims: { sub: PARTNER_X } }), /no JWT bundle for trust domain "partner\.example"/);
  });
});
