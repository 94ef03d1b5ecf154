import { Status, type ClientCallOptions } from '@rampart/core';
import { startTestApp, TEST_TRUST_DOMAIN, type TestApp } from '@rampart/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { VaultServiceDescriptor } from '../generated/index.js';
import { issuerTls, type IssuerTls } from '../tokens/support/issuer-tls.js';
import { startJwksServer, type JwksServer } from '../tokens/support/jwks-server.js';
import { makeKey, mint, type TestKey } from '../tokens/support/keys.js';
import { attackVault } from './attack-vault.js';
import { call, captureLogs, failed, KINDS, LEVEL, type AuditLine, type Kind } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 16 item 11 through a real server: the trusted issuer is a real https endpoint on 127.0.0.1 (a throw-away CA,
// trusted through auth.issuerCaFile) whose discovery document and JWKS a test makes hostile or slow. Each case
// asserts the gRPC status, the audit line (reason and detail) and that no handler ran.

const ORDERS = `spiffe://${TEST_TRUST_DOMAIN}/orders`;
let tls: IssuerTls;
let key: TestKey;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  tls = await issuerTls();
  key = await makeKey('ES256', 'k1');
});
afterAll(() => tls?.cleanup());
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Another https endpoint of this machine (another host:port), serving the same key. */
async function endpoint(options: { https: boolean } = { https: true }): Promise<JwksServer> {
  const server = await startJwksServer([key.publicJwk], options.https ? { tls: tls.server } : {});
  stops.push(() => server.close());
  return server;
}

/**
 * The attack vault trusting `issuer` by discovery (audience `vault`), with `tokens` merged into `auth.tokens` and
 * `entry` into the issuer's entry. `prepare` makes the issuer hostile or slow before the app starts (and so before
 * its key prefetch).
 */
async function startVault(prepare: (issuer: JwksServer) => void, tokens: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) {
  const issuer = await endpoint();
  prepare(issuer);
  const logs = captureLogs('vault');
  const vault = attackVault(issuer.url);
  const t: TestApp = await startTestApp(vaultApp([vault.AttackVault], {
    logger: logs.logger,
    values: { auth: { issuerCaFile: tls.caFile, tokens: { audience: 'vault', issuers: [{ issuer: issuer.url, ...entry }], ...tokens } } },
  }));
  stops.push(() => t.close());
  const orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
  const { thumbprint } = await t.pki!.clientCertificate('/orders');
  /** A token that passes all four methods from the orders certificate. */
  const token = (signer: TestKey = key) =>
    mint(signer, { iss: issuer.url, aud: 'vault', sub: 'orders-client', jti: randomUUID(), scope: 'vault:read vault:write', cnf: { 'x5t#S256': thumbprint } });
  const options = async (deadline?: number, signer?: TestKey): Promise<ClientCallOptions> => ({
    metadata: { authorization: `Bearer ${await token(signer)}` },
    ...(deadline === undefined ? {} : { deadline }),
  });
  return { issuer, orders, options, logs, ran: vault.ran };
}

/** Calls `kind` and asserts it was refused UNAUTHENTICATED "invalid token" before any handler, with one deny audit. */
async function expectRefused(v: Awaited<ReturnType<typeof startVault>>, kind: Kind, options: ClientCallOptions): Promise<AuditLine> {
  v.logs.clear();
  const error = failed(await call(v.orders, kind, options));
  expect([kind, error.status, error.message]).toEqual([kind, Status.UNAUTHENTICATED, 'invalid token']);
  expect(v.ran, `a ${kind} handler ran`).toEqual([]);
  const audits = v.logs.audits();
  expect(audits).toHaveLength(1);
  expect(audits[0]).toMatchObject({ level: LEVEL.warn, audit: { decision: 'deny', reason: 'ERR_TOKEN_INVALID', status: Status.UNAUTHENTICATED, peer: ORDERS } });
  return audits[0] as AuditLine;
}

describe('hostile issuer metadata, through a real server', () => {
  it('a discovery document naming a jwks_uri on another host: refused, and that host is never contacted', async () => {
    const elsewhere = await endpoint();
    const v = await startVault((issuer) => void (issuer.jwksUri = `${elsewhere.url}/jwks`));
    for (const kind of KINDS) {
      const line = await expectRefused(v, kind, await v.options());
      expect(line.audit.detail).toMatch(/names jwks_uri "https:\/\/127\.0\.0\.1:\d+\/jwks": not on the issuer's host .*list it in jwksHosts/);
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it('... and accepted when the issuer entry lists that host in jwksHosts (control)', async () => {
    const elsewhere = await endpoint();
    const v = await startVault((issuer) => void (issuer.jwksUri = `${elsewhere.url}/jwks`), {}, { jwksHosts: [new URL(elsewhere.url).host] });
    for (const kind of KINDS) expect((await call(v.orders, kind, await v.options())).ok, kind).toBe(true);
    expect(elsewhere.jwksHits()).toBe(1);
  });

  it('a plain-http jwks_uri (on loopback) named by an https issuer: refused, never contacted', async () => {
    const plain = await endpoint({ https: false });
    const v = await startVault((issuer) => void (issuer.jwksUri = `${plain.url}/jwks`));
    for (const kind of KINDS) {
      const line = await expectRefused(v, kind, await v.options());
      expect(line.audit.detail).toMatch(/names jwks_uri "http:\/\/127\.0\.0\.1:\d+\/jwks": not https/);
    }
    expect(plain.requests).toEqual([]);
  });

  it('an oversized JWKS: refused, naming the URL and auth.tokens.jwksMaxBytes', async () => {
    const v = await startVault((issuer) => void (issuer.pad.jwks = 4096), { jwksMaxBytes: 2048 });
    for (const kind of KINDS) {
      const line = await expectRefused(v, kind, await v.options());
      expect(line.audit.detail).toMatch(/the response of "https:\/\/127\.0\.0\.1:\d+\/jwks" is larger than 2048 bytes \(auth\.tokens\.jwksMaxBytes\)/);
    }
  });

  it('an endless discovery document: reading stops at auth.tokens.discoveryMaxBytes', async () => {
    const v = await startVault((issuer) => void (issuer.discoveryMode = 'endless'), { discoveryMaxBytes: 4096 });
    const line = await expectRefused(v, 'read', await v.options());
    expect(line.audit.detail).toMatch(/openid-configuration" is larger than 4096 bytes \(auth\.tokens\.discoveryMaxBytes\); stopped reading/);
    await vi.waitFor(() => expect(v.issuer.endless.abandoned).toBeGreaterThanOrEqual(1));
  });
});

describe('a slow issuer: the call deadline bounds the wait for keys, auth.tokens.jwksTimeoutMs caps it', () => {
  it('answering each request in 1 s (2 s for discovery + JWKS), a call with a 5 s deadline is served with the defaults', async () => {
    // Before issue 16, the default jwksTimeoutMs (1500 ms for discovery plus JWKS) refused this call.
    const v = await startVault((issuer) => void (issuer.delayMs = 1_000), { jwksCooldownMs: 0 });
    expect(await call(v.orders, 'read', await v.options(5_000))).toEqual({ ok: true, values: ['orders-client'] });
    // A new signing key: one JWKS fetch (1 s) within the call's deadline.
    const rotated = await makeKey('ES256', 'k2');
    v.issuer.keys = [key.publicJwk, rotated.publicJwk];
    expect(await call(v.orders, 'watch', await v.options(5_000, rotated))).toEqual({ ok: true, values: ['orders-client', 'done'] });
    expect(v.ran.map((r) => r.method)).toEqual(['read', 'watch']);
  });

  it('a deadline later than the cap: the cap ends the wait (UNAUTHENTICATED), and the audit names the setting', async () => {
    const v = await startVault((issuer) => void (issuer.delayMs = 1_500), { jwksTimeoutMs: 1_000, jwksRetryBackoffMs: 0 });
    await vi.waitFor(() => expect(v.logs.lines.some((l) => l.includes('could not fetch token signing keys yet'))).toBe(true), { timeout: 5_000 });
    const line = await expectRefused(v, 'read', await v.options(10_000));
    expect(line.audit.detail).toMatch(/timed out.*\(.*auth\.tokens\.jwksTimeoutMs/);
  });

  it('a deadline sooner than the cap: DEADLINE_EXCEEDED, the server stops waiting then, and the fetch still lands for later calls', async () => {
    const v = await startVault((issuer) => void (issuer.delayMs = 1_000));
    const error = failed(await call(v.orders, 'read', await v.options(400)));
    expect(error.status).toBe(Status.DEADLINE_EXCEEDED);
    await vi.waitFor(() => {
      const denies = v.logs.audits().filter((l) => l.audit.decision === 'deny');
      expect(denies.map((l) => l.audit.detail)).toEqual([expect.stringMatching(/stopped at the call's deadline|aborted: the call's deadline passed/)]);
    });
    expect(v.ran).toEqual([]);
    // The shared discovery + JWKS fetch (2 s) was not abandoned with the call: once it lands, calls need no fetch.
    await vi.waitFor(() => expect(v.issuer.jwksHits()).toBe(1), { timeout: 5_000 });
    await vi.waitFor(async () => expect((await call(v.orders, 'read', await v.options(400))).ok).toBe(true), { timeout: 5_000, interval: 100 });
    expect(v.issuer.requests).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });
});
