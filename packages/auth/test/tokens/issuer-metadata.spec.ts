import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier, type IssuerConfig, type TokenFetch, type TokenVerifierOptions } from '../../src/index.js';
import { expectTokenError, recordingLogger } from './support/expect-token-error.js';
import { issuerTls, type IssuerTls } from './support/issuer-tls.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { makeKey, mint, type TestKey } from './support/keys.js';

// Issue 16 item 11, at the verifier: what an issuer's discovery document and JWKS may make Rampart fetch and read.
// Every issuer here is a real https server on 127.0.0.1 (a throw-away CA the verifier trusts through fetchTrusting).

let tls: IssuerTls;
let k1: TestKey;
const servers: JwksServer[] = [];

beforeAll(async () => {
  tls = await issuerTls();
  k1 = await makeKey('ES256', 'k1');
});
afterAll(() => tls?.cleanup());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(https = true): Promise<JwksServer> {
  const started = await startJwksServer([k1.publicJwk], https ? { tls: tls.server } : {});
  servers.push(started);
  return started;
}

function verifierFor(issuer: JwksServer, entry: Partial<IssuerConfig> = {}, options: Partial<TokenVerifierOptions> = {}) {
  return new TokenVerifier({
    issuers: [{ issuer: issuer.url, ...entry }],
    audience: 'api',
    cacheMax: 0,
    fetch: tls.fetch,
    ...options,
  });
}

const tokenOf = (issuer: JwksServer) => mint(k1, { iss: issuer.url, aud: 'api' });
const url = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('response size caps', () => {
  it('refuses a discovery document over discoveryMaxBytes, naming its URL and the limit; no keys are fetched', async () => {
    const issuer = await server();
    issuer.pad.discovery = 4096;
    const token = await tokenOf(issuer);
    const verifier = verifierFor(issuer, {}, { discoveryMaxBytes: 2048 });
    const reason = new RegExp(
      `OIDC discovery of "${url(issuer.url)}" refused: the response of "${url(issuer.url)}/\\.well-known/openid-configuration" is larger than 2048 bytes \\(auth\\.tokens\\.discoveryMaxBytes\\)`,
    );
    await expectTokenError(verifier.verify(token), 'ERR_TOKEN_INVALID', reason, token);
    expect(issuer.jwksHits()).toBe(0);
    issuer.pad.discovery = 0; // control: the same document under the cap
    await expect(verifierFor(issuer, {}, { discoveryMaxBytes: 2048 }).verify(token)).resolves.toMatchObject({ principal: { issuer: issuer.url } });
  });

  it('refuses a JWKS over the default cap (512 KiB), naming its URL and the limit', async () => {
    const issuer = await server();
    issuer.pad.jwks = 600_000;
    const token = await tokenOf(issuer);
    const { logger, warnings } = recordingLogger();
    const reason = new RegExp(`JWKS fetch for ".*" refused: the response of "${url(issuer.url)}/jwks" is larger than 524288 bytes \\(auth\\.tokens\\.jwksMaxBytes\\)`);
    await expectTokenError(verifierFor(issuer, {}, { logger }).verify(token), 'ERR_TOKEN_INVALID', reason, token);
    expect(warnings.map((w) => w.msg)).toEqual(['JWKS fetch failed, no keys yet']);
    issuer.pad.jwks = 0; // control
    await expect(verifierFor(issuer).verify(token)).resolves.toBeDefined();
  });

  it('stops reading an endless JWKS body (chunked, no length) at the cap, and keeps the keys it had', async () => {
    const issuer = await server();
    const verifier = verifierFor(issuer, {}, { jwksMaxBytes: 64 * 1024, jwksCooldownMs: 0, jwksTimeoutMs: 20_000 });
    const token = await tokenOf(issuer);
    await verifier.verify(token); // keys loaded
    issuer.jwksMode = 'endless';
    const unknownKid = await mint(await makeKey('ES256', 'k2'), { iss: issuer.url, aud: 'api' });
    await expectTokenError(verifier.verify(unknownKid), 'ERR_TOKEN_INVALID', /is larger than 65536 bytes \(auth\.tokens\.jwksMaxBytes\); stopped reading/, unknownKid);
    await vi.waitFor(() => expect(issuer.endless.abandoned).toBe(1));
    expect(issuer.endless.sent).toBeLessThan(64 * 1024 * 1024); // the client went away long before the end
    await expect(verifier.verify(token)).resolves.toBeDefined(); // the keys it had keep serving
  });
});

describe('where a discovery document may send key fetches', () => {
  it('refuses a jwks_uri on another host (another port of this machine) and never contacts it', async () => {
    const issuer = await server();
    const elsewhere = await server();
    issuer.jwksUri = `${elsewhere.url}/jwks`;
    const token = await tokenOf(issuer);
    const reason = new RegExp(
      `names jwks_uri "${url(elsewhere.url)}/jwks": not on the issuer's host "127\\.0\\.0\\.1:\\d+"; to trust keys from "127\\.0\\.0\\.1:\\d+", list it in jwksHosts on the issuer's entry in auth\\.tokens\\.issuers`,
    );
    await expectTokenError(verifierFor(issuer).verify(token), 'ERR_TOKEN_INVALID', reason, token);
    expect(elsewhere.requests).toEqual([]);
    expect(issuer.requests).toEqual(['/.well-known/openid-configuration']);
  });

  it('accepts keys from another host only when jwksHosts lists it', async () => {
    const issuer = await server();
    const port = new URL(issuer.url).port;
    issuer.jwksUri = `https://localhost:${port}/jwks`; // the same server under another name: another host
    const token = await tokenOf(issuer);
    await expectTokenError(verifierFor(issuer).verify(token), 'ERR_TOKEN_INVALID', /not on the issuer's host "127\.0\.0\.1:\d+"; to trust keys from "localhost:\d+"/, token);
    expect(issuer.jwksHits()).toBe(0);
    await expect(verifierFor(issuer, { jwksHosts: [`localhost:${port}`] }).verify(token)).resolves.toMatchObject({ principal: { issuer: issuer.url } });
    expect(issuer.jwksHits()).toBe(1);
    await expectTokenError(verifierFor(issuer, { jwksHosts: ['localhost'] }).verify(token), 'ERR_TOKEN_INVALID', /not on the issuer's host/, token);
  });

  it("refuses keys that a fetch of the application's own reached by following a redirect to another host", async () => {
    const issuer = await server();
    const elsewhere = await server();
    issuer.redirectJwksTo = `${elsewhere.url}/jwks`;
    const token = await tokenOf(issuer);
    // A TokenFetch that follows redirects whatever it is asked (an application's wrapper, say).
    const following: TokenFetch = (input, init) => tls.fetch(input, { ...init, redirect: 'follow' } as unknown as typeof init);
    const reason = new RegExp(`JWKS .*refused: "${url(issuer.url)}/jwks" redirected to "${url(elsewhere.url)}/jwks", and redirects are not followed`);
    await expectTokenError(verifierFor(issuer, {}, { fetch: following }).verify(token), 'ERR_TOKEN_INVALID', reason, token);
    expect(elsewhere.jwksHits()).toBe(1); // the fetch did go there: only its answer was refused
    issuer.redirectJwksTo = undefined; // control: the same fetch without a redirect
    await expect(verifierFor(issuer, {}, { fetch: following }).verify(token)).resolves.toMatchObject({ principal: { issuer: issuer.url } });
  });

  it('refuses a plain-http jwks_uri from an https issuer, also on loopback, and never contacts it', async () => {
    const issuer = await server();
    const plain = await server(false);
    issuer.jwksUri = `${plain.url}/jwks`;
    const token = await tokenOf(issuer);
    const reason = new RegExp(`names jwks_uri "${url(plain.url)}/jwks": not https: keys are fetched over HTTPS only`);
    await expectTokenError(verifierFor(issuer).verify(token), 'ERR_TOKEN_INVALID', reason, token);
    await expectTokenError(verifierFor(issuer, { jwksHosts: [new URL(plain.url).host] }).verify(token), 'ERR_TOKEN_INVALID', reason, token);
    expect(plain.requests).toEqual([]);
  });

  it('a plain-http loopback issuer (development) gets keys from its own origin only', async () => {
    const issuer = await server(false);
    await expect(verifierFor(issuer).verify(await tokenOf(issuer))).resolves.toBeDefined(); // control: its own /jwks
    const dev = await server(false);
    const other = await server(false);
    dev.jwksUri = `${other.url}/jwks`;
    const token = await tokenOf(dev);
    await expectTokenError(verifierFor(dev).verify(token), 'ERR_TOKEN_INVALID', /not https: .*on its own origin "http:\/\/127\.0\.0\.1:\d+"/, token);
    expect(other.requests).toEqual([]);
  });
});

describe('a slow issuer: the call deadline bounds the wait, jwksTimeoutMs caps it', () => {
  it('with a call deadline sooner than the cap, the wait ends at the deadline; the fetch goes on and serves later calls', async () => {
    const issuer = await server();
    issuer.delayMs = 300; // discovery + JWKS: 600 ms
    const verifier = verifierFor(issuer, {}, { jwksTimeoutMs: 10_000 });
    const token = await tokenOf(issuer);
    const reason = /JWKS fetch for ".*" stopped at the call's deadline, after \d+ ms \(sooner than the auth\.tokens\.jwksTimeoutMs cap of 10000 ms\)/;
    await expectTokenError(verifier.verify(token, { deadline: new Date(Date.now() + 100) }), 'ERR_TOKEN_INVALID', reason, token);
    // Calls with the same short deadline join the fetch still under way, until it has brought the keys.
    await vi.waitFor(() => verifier.verify(token, { deadline: new Date(Date.now() + 100) }), { timeout: 5_000, interval: 50 });
    expect(issuer.requests).toEqual(['/.well-known/openid-configuration', '/jwks']); // one fetch, shared
  });

  it('with a call deadline later than the cap, the cap ends the wait, and says so', async () => {
    const issuer = await server();
    issuer.delayMs = 2_000;
    const token = await tokenOf(issuer);
    // The cap's own message (the fetch's own timeout, armed with the same value, says "did not answer within").
    const reason = /JWKS fetch for ".*" timed out after 200 ms \(the auth\.tokens\.jwksTimeoutMs cap; the call's deadline was later or unset\)/;
    const deadline = new Date(Date.now() + 30_000);
    await expectTokenError(verifierFor(issuer, {}, { jwksTimeoutMs: 200 }).verify(token, { deadline }), 'ERR_TOKEN_INVALID', reason, token);
  });

  it('a deadline already passed does not start a fetch', async () => {
    const issuer = await server();
    const token = await tokenOf(issuer);
    const deadline = new Date(Date.now() - 1);
    await expectTokenError(verifierFor(issuer).verify(token, { deadline }), 'ERR_TOKEN_INVALID', /not started: the call's deadline had passed/, token);
    expect(issuer.requests).toEqual([]);
  });
});
