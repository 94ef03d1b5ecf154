import { exportSPKI, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier, type JwtBundleSource, type TrustDomainConfig } from '../../src/index.js';
import { CLAIM_PRESETS } from '../../src/tokens/claim-mapping.js';
import { verifyJwtSvid } from '../../src/tokens/jwt-svid-verify.js';
import { staticJwksSource } from '../../src/tokens/key-source.js';
import { expectTokenError } from './support/expect-token-error.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { b64, makeKey, nowSec, type TestKey } from './support/keys.js';

// JWT-SVIDs verified by TokenVerifier on its own: the SPIFFE JWT-SVID rules, routing between issuers and trust
// domains, the bundle sources, and the cache. The same attacks through a server: test/e2e/jwt-svid.e2e.spec.ts.

const A = 'a.example';
const B = 'b.example';
const ISSUER = 'https://issuer.example';
const WORKLOAD = `spiffe://${A}/ns/prod/orders`;
const B_WORKLOAD = `spiffe://${B}/billing`;
const svidJwk = (key: TestKey): JWK => ({ ...key.publicJwk, use: 'jwt-svid' });

let a1: TestKey;
let a2: TestKey;
let b1: TestKey;
let issuerKey: TestKey;
let rsa: TestKey;
let dir: string;

beforeAll(async () => {
  [a1, a2, b1, issuerKey, rsa] = await Promise.all([
    makeKey('ES256', 'a1'),
    makeKey('ES256', 'a2'),
    makeKey('ES256', 'b1'),
    makeKey('ES256', 'iss1'),
    makeKey('RS256', 'a-rsa'),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'rampart-jwtsvid-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A JWT-SVID of `sub` signed by `key`: aud `inventory`, 5 minutes, typ JWT; `claims`/`header` override (undefined drops). */
async function svid(key: TestKey, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: JWTPayload = { sub: WORKLOAD, aud: 'inventory', iat: nowSec(), exp: nowSec() + 300, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const protectedHeader: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'JWT', ...header };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete protectedHeader[name];
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** A verifier trusting trust domains A (keys a1, a2, rsa) and B (key b1), inline, and the issuer. */
function verifier(extra: Partial<TrustDomainConfig> = {}, cacheMax = 0): TokenVerifier {
  return new TokenVerifier({
    audience: 'inventory',
    cacheMax,
    issuers: [{ issuer: ISSUER, jwks: { keys: [issuerKey.publicJwk] }, requireTyp: false }],
    trustDomains: [
      { trustDomain: A, bundle: { keys: [svidJwk(a1), svidJwk(a2), svidJwk(rsa)] }, ...extra },
      { trustDomain: B, bundle: { keys: [svidJwk(b1)] } },
    ],
  });
}

describe('JWT-SVIDs: accepted', () => {
  it('gives a principal named by the SPIFFE ID, issued by the trust domain, with no scopes or roles', async () => {
    const { principal } = await verifier().verify(await svid(a1, { iss: 'https://oidc.a.example', scope: 'admin', client_id: 'x' }));
    expect(principal.subject).toBe(WORKLOAD);
    expect(principal.issuer).toBe(`spiffe://${A}`);
    expect(principal.clientId).toBe(WORKLOAD);
    expect([...principal.scopes]).toEqual([]);
    expect(principal.roles?.size).toBe(0);
    expect(principal.claims.iss).toBe('https://oidc.a.example');
  });

  it('accepts typ JWT, JOSE or none, RSA keys, and an aud list that includes ours', async () => {
    const v = verifier();
    for (const token of [
      await svid(a1, {}, { typ: 'JOSE' }),
      await svid(a1, {}, { typ: undefined }),
      await svid(rsa),
      await svid(a2, { aud: ['billing', 'inventory'] }),
    ]) {
      expect((await v.verify(token)).principal.subject).toBe(WORKLOAD);
    }
  });
});

describe('JWT-SVIDs: the rules', () => {
  const refusals: [string, () => Promise<string>, RegExp][] = [
    ['another audience', () => svid(a1, { aud: 'billing' }), /claim "aud" check_failed.*got "billing".*expected one of "inventory"/],
    ['no aud', () => svid(a1, { aud: undefined }), /claim "aud" missing/],
    ['an empty aud list', () => svid(a1, { aud: [] }), /claim "aud" check_failed/],
    ['no exp', () => svid(a1, { exp: undefined }), /claim "exp" missing/],
    ['no kid', () => svid(a1, {}, { kid: undefined }), /JWT-SVID header has no "kid"/],
    ['an empty kid', () => svid(a1, {}, { kid: '' }), /JWT-SVID header has no "kid"/],
    ['a key of trust domain B (also trusted), its own kid', () => svid(b1), /no key in the issuer JWKS matches.*JWT-SVID of trust domain "a\.example", kid "b1"/],
    ['a key of trust domain B under the kid of an A key', () => svid({ ...b1, kid: 'a1' }), /signature verification failed.*trust domain "a\.example", kid "a1"/],
    ['sub of an unconfigured trust domain', () => svid(a1, { sub: 'spiffe://c.example/orders' }), /JWT-SVID of trust domain "c\.example", which is not trusted/],
    ['sub a bare trust domain ID', () => svid(a1, { sub: `spiffe://${A}` }), /"sub" is not a workload SPIFFE ID.*path is empty/],
    ['sub with an uppercase trust domain', () => svid(a1, { sub: 'spiffe://A.example/orders' }), /"sub" is not a workload SPIFFE ID/],
    ['sub not a SPIFFE ID, no iss', () => svid(a1, { sub: 'orders' }), /claim "iss" missing.*"sub" is not a SPIFFE ID of a trusted trust domain/],
    ['sub not a SPIFFE ID, unknown iss', () => svid(a1, { sub: 'orders', iss: 'https://evil.example' }), /unknown issuer "https:\/\/evil\.example", and "sub"/],
    ['typ at+jwt', () => svid(a1, {}, { typ: 'at+jwt' }), /JWT-SVID header "typ" must be JWT or JOSE when present \(got "at\+jwt"\)/],
    ['alg none', async () => `${b64({ alg: 'none', kid: 'a1' })}.${b64({ sub: WORKLOAD, aud: 'inventory', exp: nowSec() + 60 })}.AAAA`, /alg "none" is not allowed/],
    ['nbf in the future', () => svid(a1, { nbf: nowSec() + 3600 }), /claim "nbf" check_failed/],
    ['iat in the future', () => svid(a1, { iat: nowSec() + 3600 }), /"iat" is in the future/],
  ];
  it.each(refusals)('refuses %s', async (_name, token, reason) => {
    const t = await token();
    await expectTokenError(verifier().verify(t), 'ERR_TOKEN_INVALID', reason, t);
  });

  it('checks the verified sub against the trust domain it was verified for (not only the routing)', async () => {
    // Routing picks the trust domain from the same `sub`; verifyJwtSvid checks it again on the verified claims.
    const keys = staticJwksSource({ keys: [a1.publicJwk] });
    const domain = { trustDomain: B, issuer: `spiffe://${B}`, audience: undefined, algorithms: ['ES256'], requireTyp: false, claims: CLAIM_PRESETS.spire, keys };
    const checks = { audience: ['inventory'], currentDate: new Date(), clockTolerance: 0, call: () => undefined };
    await expect(verifyJwtSvid(await svid(a1), domain, checks)).rejects.toMatchObject({
      reason: expect.stringMatching(/JWT-SVID claim "sub" is not a workload SPIFFE ID of trust domain "b\.example" \(got "spiffe:\/\/a\.example/),
    });
    const ok = await verifyJwtSvid(await svid(a1, { sub: B_WORKLOAD }), domain, checks);
    expect(ok).toMatchObject({ kid: 'a1', payload: { sub: B_WORKLOAD } });
  });

  it('refuses an expired JWT-SVID as expired', async () => {
    const t = await svid(a1, { exp: nowSec() - 120 });
    await expectTokenError(verifier().verify(t), 'ERR_TOKEN_EXPIRED', /exp \d+ <= now/, t);
  });

  it('refuses HS256 keyed with a trust domain public key (PEM or JWK)', async () => {
    for (const secret of [await exportSPKI(a1.publicKey), JSON.stringify(svidJwk(a1))]) {
      const t = await new SignJWT({ sub: WORKLOAD, aud: 'inventory', exp: nowSec() + 60 })
        .setProtectedHeader({ alg: 'HS256', kid: 'a1', typ: 'JWT' })
        .sign(new TextEncoder().encode(secret));
      await expectTokenError(verifier().verify(t), 'ERR_TOKEN_INVALID', /alg "HS256" is not allowed.*allowed: RS256, RS384/, t);
    }
  });

  it('refuses an algorithm left out of the trust domain\'s algorithms', async () => {
    const t = await svid(rsa);
    await expectTokenError(verifier({ algorithms: ['ES256'] }).verify(t), 'ERR_TOKEN_INVALID', /alg "RS256" is not allowed/, t);
  });

  it('ignores x509-svid keys and keys of unknown use in a bundle', async () => {
    for (const use of ['x509-svid', 'enc', 'JWT-SVID']) {
      const v = new TokenVerifier({ audience: 'inventory', trustDomains: [{ trustDomain: A, bundle: { keys: [{ ...a1.publicJwk, use }] } }] });
      const t = await svid(a1);
      await expectTokenError(v.verify(t), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/, t);
    }
  });
});

describe('JWT-SVIDs: routing between issuers and trust domains', () => {
  it('sends a token whose iss is a configured issuer to that issuer, even with a SPIFFE sub', async () => {
    const v = verifier();
    // Signed by a trust domain key: the issuer's keys do not verify it.
    const bySvidKey = await svid(a1, { iss: ISSUER });
    await expectTokenError(v.verify(bySvidKey), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*issuer "https:\/\/issuer\.example"/);
    // Signed by the issuer: an issuer token, whatever its sub.
    const byIssuer = await svid(issuerKey, { iss: ISSUER });
    const { principal } = await v.verify(byIssuer);
    expect(principal.issuer).toBe(ISSUER);
    expect(principal.clientId).toBeUndefined();
  });

  it('lets @Authenticated({ issuer }) name a trust domain, also for a cached verification', async () => {
    const v = verifier({}, 100);
    const t = await svid(a1);
    for (let i = 0; i < 3; i++) expect((await v.verify(t, { issuer: `spiffe://${A}` })).principal.subject).toBe(WORKLOAD);
    await expectTokenError(v.verify(t, { issuer: `spiffe://${B}` }), 'ERR_TOKEN_INVALID', /issuer "spiffe:\/\/a\.example" is not accepted for this call/);
    await expectTokenError(v.verify(t, { issuer: ISSUER }), 'ERR_TOKEN_INVALID', /not accepted for this call/);
    await expectTokenError(v.verify(t, { audience: 'billing' }), 'ERR_TOKEN_INVALID', /claim "aud" check_failed.*cached/);
  });

  it('refuses a token of another trust domain whatever is cached (each token has its own cache entry)', async () => {
    const v = verifier({}, 100);
    const good = await svid(a1);
    for (let i = 0; i < 3; i++) await v.verify(good);
    // Same claims, signed by B's key under A's kid: another token, another hash, verified with A's keys.
    const forged = await svid({ ...b1, kid: 'a1' });
    await expectTokenError(v.verify(forged), 'ERR_TOKEN_INVALID', /signature verification failed/);
  });
});

describe('JWT-SVIDs: bundle sources', () => {
  it('looks the Workload API bundle up at every verification, and drops a cached token whose key left the bundle', async () => {
    let bundle: JSONWebKeySet | undefined;
    const source: JwtBundleSource = { bundleFor: (td) => (td === A ? bundle : undefined) };
    const v = new TokenVerifier({ audience: 'inventory', jwtBundles: source, trustDomains: [{ trustDomain: A, workloadApi: true }] });
    const t1 = await svid(a1);
    await expectTokenError(v.verify(t1), 'ERR_TOKEN_INVALID', /no JWT bundle for trust domain "a\.example" from the Workload API/);
    bundle = { keys: [svidJwk(a1)] };
    for (let i = 0; i < 3; i++) expect((await v.verify(t1)).principal.subject).toBe(WORKLOAD); // now cached
    const t2 = await svid(a2);
    await expectTokenError(v.verify(t2), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/);
    bundle = { keys: [svidJwk(a2)] }; // a1 rotated out
    expect((await v.verify(t2)).principal.subject).toBe(WORKLOAD);
    await expectTokenError(v.verify(t1), 'ERR_TOKEN_INVALID', /key "a1" is no longer in the bundle \("spiffe:\/\/a\.example", cached\)/);
    await expectTokenError(v.verify(await svid(a1)), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/);
  });

  it('refuses the token, as invalid, when the bundle source throws (not ready or closed)', async () => {
    const failing: JwtBundleSource = {
      bundleFor: () => {
        throw new Error('the JwtSource has no bundles yet');
      },
    };
    const v = new TokenVerifier({ audience: 'inventory', jwtBundles: failing, trustDomains: [{ trustDomain: A, workloadApi: true }] });
    await expectTokenError(v.verify(await svid(a1)), 'ERR_TOKEN_INVALID', /the JWT bundle source failed: the JwtSource has no bundles yet/);
    expect((await v.prefetchKeys()).map((r) => [r.issuer, r.ok])).toEqual([[`spiffe://${A}`, false]]);
  });

  it('reads a SPIFFE bundle file (jwt-svid keys only) and follows its changes', async () => {
    const file = join(dir, 'bundle.json');
    const write = (keys: JWK[]): void => writeFileSync(file, JSON.stringify({ spiffe_sequence: 1, keys }));
    write([svidJwk(a1), { ...a2.publicJwk, use: 'x509-svid' }]);
    const v = new TokenVerifier({ audience: 'inventory', jwksFilePollMs: 0, trustDomains: [{ trustDomain: A, bundleFile: file }] });
    expect((await v.verify(await svid(a1))).principal.subject).toBe(WORKLOAD);
    await expectTokenError(v.verify(await svid(a2)), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/);
    write([svidJwk(a2)]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a new mtime
    expect((await v.verify(await svid(a2))).principal.subject).toBe(WORKLOAD);
    await expectTokenError(v.verify(await svid(a1)), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/);
  });

  describe('over HTTP', () => {
    let server: JwksServer;
    beforeAll(async () => {
      server = await startJwksServer([svidJwk(a1), { ...a2.publicJwk, use: 'x509-svid' }]);
    });
    afterAll(() => server.close());

    it('fetches a JWKS or SPIFFE bundle endpoint (bundleUri)', async () => {
      const v = new TokenVerifier({ audience: 'inventory', trustDomains: [{ trustDomain: A, bundleUri: `${server.url}/jwks` }] });
      expect((await v.verify(await svid(a1))).principal.subject).toBe(WORKLOAD);
      await expectTokenError(v.verify(await svid(a2)), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/);
    });

    it('discovers the keys of an OIDC Discovery Provider (oidcDiscovery)', async () => {
      const v = new TokenVerifier({ audience: 'inventory', trustDomains: [{ trustDomain: A, oidcDiscovery: server.url }] });
      expect((await v.prefetchKeys()).map((r) => [r.issuer, r.ok])).toEqual([[`spiffe://${A}`, true]]);
      expect((await v.verify(await svid(a1, { iss: server.url }))).principal.subject).toBe(WORKLOAD);
      expect(server.requests).toContain('/.well-known/openid-configuration');
    });
  });
});
