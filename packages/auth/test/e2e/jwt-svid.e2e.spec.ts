import { rampartErrorOf } from '@rampart/test-support';
import { GrpcService, Status, type CallContext } from '@rampart/core';
import { startTestApp, TestIssuer, type TestApp } from '@rampart/testing';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authenticated, rampartAuth, type JwtBundleSource } from '../../src/index.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type Secret__Output,
  type StoreResponse,
  type VaultServiceClient,
} from '../generated/index.js';
import { call, captureLogs, expectNoTokenIn, failed, LEVEL, type Kind } from './e2e-support.js';
import { vaultApp } from './vault-app.js';

// Issue 22 item 3 (server side), end to end: a Rampart server over mTLS trusting an OAuth issuer (a TestIssuer) and
// two SPIFFE trust domains for JWT-SVIDs: A with its JWT bundle from a Workload API-like source (updated by the
// test), B from a SPIFFE bundle file. Every refusal asserts the status and message, that no handler ran, the audit
// line's reason and detail (so the call was refused by the rule the case is about), and that no log carries the token.

const A = 'a.example';
const B = 'b.example';
const WORKLOAD = `spiffe://${A}/ns/prod/orders`;
const B_WORKLOAD = `spiffe://${B}/billing`;
const PATH: Record<Kind, string> = {
  read: VaultServiceDescriptor.methods.read.path,
  watch: VaultServiceDescriptor.methods.watch.path,
  store: VaultServiceDescriptor.methods.store.path,
  exchange: VaultServiceDescriptor.methods.exchange.path,
};

interface Run {
  readonly method: Kind;
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
}
const ran: Run[] = [];
const record = (method: Kind, ctx: CallContext): void =>
  void ran.push({
    method,
    subject: ctx.principal?.subject,
    issuer: ctx.principal?.issuer,
    clientId: ctx.principal?.clientId,
    scopes: [...(ctx.principal?.scopes ?? [])],
  });

/** read and exchange: any authenticated caller; watch: scope vault:read; store: JWT-SVIDs of trust domain B only. */
@GrpcService(VaultServiceDescriptor)
@Authenticated()
class SvidVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    record('read', ctx);
    return Promise.resolve({ name: req.name, value: ctx.principal?.subject ?? '' });
  }

  @Authenticated({ scopes: ['vault:read'] })
  async *watch(req: ReadRequest__Output, ctx: CallContext): AsyncIterable<Secret> {
    record('watch', ctx);
    yield { name: req.name, value: 'x' };
  }

  @Authenticated({ issuer: `spiffe://${B}` })
  async store(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): Promise<StoreResponse> {
    record('store', ctx);
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    return { stored };
  }

  async *exchange(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): AsyncIterable<Secret> {
    record('exchange', ctx);
    for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
  }
}

interface Key {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}
async function key(kid: string): Promise<Key> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return { kid, ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'jwt-svid' } };
}

let issuer: TestIssuer;
let a1: Key;
let a2: Key;
let b1: Key;
let dir: string;
let bundleA: JSONWebKeySet | undefined;
let t: TestApp;
let client: VaultServiceClient;
const logs = captureLogs('vault');
const jwtBundles: JwtBundleSource = { bundleFor: (td) => (td === A ? bundleA : undefined) };

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'vault' });
  [a1, a2, b1] = await Promise.all([key('a1'), key('a2'), key('b1')]);
  bundleA = { keys: [a1.jwk, a2.jwk] };
  dir = mkdtempSync(join(tmpdir(), 'rampart-jwtsvid-e2e-'));
  // A SPIFFE bundle as SPIRE writes it: sequence, an X.509 authority (ignored for tokens) and a JWT authority.
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ spiffe_sequence: 3, keys: [{ ...a1.jwk, kid: 'x509', use: 'x509-svid' }, b1.jwk] }));
  t = await startTestApp(
    vaultApp([SvidVault], {
      logger: logs.logger,
      plugins: [rampartAuth({ jwtBundles })],
      values: {
        auth: {
          tokens: {
            audience: 'vault',
            issuers: [{ issuer: issuer.url }],
            trustDomains: [
              { trustDomain: A, workloadApi: true },
              { trustDomain: B, bundleFile: join(dir, 'b.json') },
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
  await issuer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  ran.length = 0;
  logs.clear();
  bundleA = { keys: [a1.jwk, a2.jwk] };
});

const nowSec = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const bearer = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });

/** A JWT-SVID for `vault`, 5 minutes, typ JWT, signed by `k` (A's a1 by default); `undefined` drops a claim or header. */
async function svid(claims: JWTPayload = {}, header: Record<string, unknown> = {}, k: Key = a1): Promise<string> {
  const payload: JWTPayload = { sub: WORKLOAD, aud: 'vault', iat: nowSec(), exp: nowSec() + 300, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const h: Record<string, unknown> = { alg: 'ES256', kid: k.kid, typ: 'JWT', ...header };
  for (const [name, value] of Object.entries(h)) if (value === undefined) delete h[name];
  return new SignJWT(payload).setProtectedHeader(h as { alg: string }).sign(k.privateKey);
}

/** Calls `kind` with `token`; asserts the refusal, that no handler ran, one audit line with `detail`, no token in logs. */
async function expectRefused(kind: Kind, token: string, detail: RegExp, refused: [Status, string, string] = [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_INVALID']): Promise<void> {
  ran.length = 0;
  logs.clear();
  const error = failed(await call(client, kind, bearer(token)));
  const [status, message, reason] = refused;
  expect({ kind, code: error.status, message: error.message }).toEqual({ kind, code: status, message });
  expect(ran, `the ${kind} handler ran`).toEqual([]);
  const audits = logs.audits();
  expect(audits).toHaveLength(1);
  expect(audits[0]?.audit).toMatchObject({ method: PATH[kind], decision: 'deny', reason, status });
  expect(audits[0]?.level).toBe(LEVEL.warn);
  expect(audits[0]?.audit.detail).toMatch(detail);
  expectNoTokenIn(logs.lines, token);
}

describe('a valid JWT-SVID', () => {
  it('passes @Authenticated() as the SPIFFE ID (Workload API bundle), unary and bidi', async () => {
    const token = await svid();
    expect(await call(client, 'read', bearer(token))).toEqual({ ok: true, values: [WORKLOAD] });
    expect(await call(client, 'exchange', bearer(token))).toEqual({ ok: true, values: ['X', 'Y'] });
    const principal = { subject: WORKLOAD, issuer: `spiffe://${A}`, clientId: WORKLOAD, scopes: [] };
    expect(ran).toEqual([{ method: 'read', ...principal }, { method: 'exchange', ...principal }]);
    expect(logs.audits().map((l) => [l.audit.decision, l.audit.subject, l.audit.clientId])).toEqual([
      ['allow', WORKLOAD, WORKLOAD],
      ['allow', WORKLOAD, WORKLOAD],
    ]);
    expectNoTokenIn(logs.lines, token);
  });

  it('of trust domain B (bundle file) passes where only B is accepted; A\'s does not, even once cached', async () => {
    expect(await call(client, 'store', bearer(await svid({ sub: B_WORKLOAD }, {}, b1)))).toEqual({ ok: true, values: ['2'] });
    expect(ran).toEqual([{ method: 'store', subject: B_WORKLOAD, issuer: `spiffe://${B}`, clientId: B_WORKLOAD, scopes: [] }]);
    const fromA = await svid();
    for (let i = 0; i < 2; i++) expect((await call(client, 'read', bearer(fromA))).ok).toBe(true);
    await expectRefused('store', fromA, /issuer "spiffe:\/\/a\.example" is not accepted for this call/);
  });

  it('is refused by @Authenticated({ scopes }) as any token without the scope', async () => {
    await expectRefused('watch', await svid(), /missing scope vault:read/, [Status.PERMISSION_DENIED, 'insufficient scope', 'ERR_INSUFFICIENT_SCOPE']);
  });

  it('the control: an OAuth token of the issuer still passes', async () => {
    expect(await call(client, 'read', bearer(await issuer.mint({ sub: 'orders-client' })))).toEqual({ ok: true, values: ['orders-client'] });
    expect(ran.map((r) => r.issuer)).toEqual([issuer.url]);
  });
});

describe('JWT-SVID attacks, refused before any handler', () => {
  const cases: [string, () => Promise<string>, RegExp, [Status, string, string]?][] = [
    ['another audience', () => svid({ aud: 'billing' }), /claim "aud" check_failed.*got "billing".*expected one of "vault".*JWT-SVID of trust domain "a\.example"/],
    ['no aud', () => svid({ aud: undefined }), /claim "aud" missing/],
    ['expired', () => svid({ exp: nowSec() - 120 }), /exp \d+ <= now \d+ - tolerance 30s \(JWT-SVID of trust domain "a\.example"/, [Status.UNAUTHENTICATED, 'token expired', 'ERR_TOKEN_EXPIRED']],
    ['no exp', () => svid({ exp: undefined }), /claim "exp" missing/],
    ['no kid', () => svid({}, { kid: undefined }), /JWT-SVID header has no "kid"/],
    ['signed by a key of trust domain B (also trusted)', () => svid({}, {}, b1), /no key in the issuer JWKS matches.*JWT-SVID of trust domain "a\.example", kid "b1"/],
    ['signed by a key of trust domain B under the kid of an A key', () => svid({}, { kid: 'a1' }, b1), /signature verification failed.*trust domain "a\.example", kid "a1"/],
    ['sub not a SPIFFE ID', () => svid({ sub: 'orders' }), /claim "iss" missing.*"sub" is not a SPIFFE ID of a trusted trust domain/],
    ['sub of an unconfigured trust domain', () => svid({ sub: 'spiffe://c.example/orders' }), /JWT-SVID of trust domain "c\.example", which is not trusted/],
    ['sub not a valid SPIFFE ID', () => svid({ sub: `spiffe://${A}/ns/../admin` }), /"sub" is not a workload SPIFFE ID.*"\." or "\.\." segments/],
    ['alg none', async () => `${b64({ alg: 'none', kid: 'a1', typ: 'JWT' })}.${b64({ sub: WORKLOAD, aud: 'vault', exp: nowSec() + 60 })}.AAAA`, /alg "none" is not allowed/],
    [
      'HS256 keyed with the trust domain public key (alg confusion)',
      async () =>
        new SignJWT({ sub: WORKLOAD, aud: 'vault', exp: nowSec() + 60 })
          .setProtectedHeader({ alg: 'HS256', kid: 'a1', typ: 'JWT' })
          .sign(new TextEncoder().encode(await exportSPKI(a1.publicKey))),
      /alg "HS256" is not allowed/,
    ],
    ['typ at+jwt', () => svid({}, { typ: 'at+jwt' }), /JWT-SVID header "typ" must be JWT or JOSE when present/],
    ['claiming both: the issuer\'s iss, a SPIFFE sub, signed by a trust domain key', () => svid({ iss: issuer.url }), /no key in the issuer JWKS matches.*issuer "http:\/\/127\.0\.0\.1:\d+"/],
    ['signed by the x509-svid key of trust domain B\'s bundle', () => svid({ sub: B_WORKLOAD }, { kid: 'x509' }), /no key in the issuer JWKS matches.*trust domain "b\.example", kid "x509"/],
  ];
  it.each(cases)('%s', async (_name, token, detail, refused) => {
    await expectRefused('read', await token(), detail, refused);
  });

  it('a key removed from the bundle: its tokens stop at the next call, also one verified and cached before', async () => {
    const before = await svid();
    for (let i = 0; i < 3; i++) expect(await call(client, 'read', bearer(before))).toEqual({ ok: true, values: [WORKLOAD] });
    bundleA = { keys: [a2.jwk] }; // the Workload API pushed a bundle without a1
    await expectRefused('read', before, /key "a1" is no longer in the bundle \("spiffe:\/\/a\.example", cached\)/);
    await expectRefused('read', await svid(), /no key in the issuer JWKS matches.*kid "a1"/);
    expect(await call(client, 'read', bearer(await svid({}, {}, a2)))).toEqual({ ok: true, values: [WORKLOAD] });
  });
});

describe('start-up', () => {
  it('refuses workloadApi: true without a Workload API address (the JWT bundle source), naming the keys and the fix', async () => {
    const err = await rampartErrorOf(
      startTestApp(vaultApp([SvidVault], { values: { auth: { tokens: { audience: 'vault', trustDomains: [{ trustDomain: A, workloadApi: true }] } } } })),
    );
    expect(err.code).toBe('ERR_CONFIG_INVALID');
    expect(err.message).toContain(
      'auth.tokens.trustDomains has an entry with workloadApi: true but transport.workloadApi.address is not set. Fix: set SPIFFE_ENDPOINT_SOCKET',
    );
  });
});
