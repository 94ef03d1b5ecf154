import { Status } from '@rampart/core';
import type { IssuedCertificate } from '@rampart/pki';
import { startTestApp, TestIssuer, TEST_TRUST_DOMAIN, type MintOptions, type TestApp } from '@rampart/testing';
import {
  decodeJwt,
  EncryptJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { attackVault, BLOCKED_SUBJECT } from './attack-vault.js';
import { call, captureLogs, expectNoTokenIn, failed, KINDS, LEVEL, type Kind } from './e2e-support.js';
import { stringField1, unaryWithExtraHeader } from './raw-h2.js';
import { vaultApp } from './vault-app.js';

// The attack suite of issue 4, end to end: a real Rampart server over TLS (ephemeral CA), the auth plugin configured
// from config values, a TestIssuer serving discovery and JWKS as the trusted issuer (typ at+jwt required: the default),
// a second trusted issuer with an RS256 key in a JWKS file (for crafted tokens; typ not required: the opt-out), and an
// attacker with its own issuer and keys.
// Every case asserts the gRPC status and message, that no handler ran, the audit line's reason (so the call was
// refused for the reason the case is about), and that no log line carries the token.

const LOCAL_ISSUER = 'urn:rampart:test:local-rsa';
const ORDERS = `spiffe://${TEST_TRUST_DOMAIN}/orders`;
const PATH: Record<Kind, string> = {
  read: VaultServiceDescriptor.methods.read.path,
  watch: VaultServiceDescriptor.methods.watch.path,
  store: VaultServiceDescriptor.methods.store.path,
  exchange: VaultServiceDescriptor.methods.exchange.path,
};

let primary: TestIssuer;
let attacker: TestIssuer;
let rsa: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };
let jwksDir: string;
let t: TestApp;
let vault: ReturnType<typeof attackVault>;
let ordersCert: IssuedCertificate;
const clients = {} as Record<'orders' | 'thief' | 'anonymous', VaultServiceClient>;
const logs = captureLogs('vault');

beforeAll(async () => {
  primary = await TestIssuer.start({ audience: 'vault' });
  attacker = await TestIssuer.start({ audience: 'vault' });
  const pair = await generateKeyPair('RS256', { extractable: true });
  const kid = `rsa-${randomUUID()}`;
  rsa = { kid, ...pair, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' } };
  jwksDir = mkdtempSync(join(tmpdir(), 'rampart-attacks-'));
  writeFileSync(join(jwksDir, 'jwks.json'), JSON.stringify({ keys: [rsa.publicJwk] }));
  vault = attackVault(primary.url);
  t = await startTestApp(vaultApp([vault.AttackVault], {
    logger: logs.logger,
    values: {
      auth: {
        tokens: {
          audience: 'vault',
          issuers: [
            { issuer: primary.url },
            { issuer: LOCAL_ISSUER, jwksFile: join(jwksDir, 'jwks.json'), requireTyp: false },
          ],
        },
      },
    },
  }));
  clients.orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
  clients.thief = await t.client(VaultServiceDescriptor, { as: '/thief' });
  clients.anonymous = await t.client(VaultServiceDescriptor);
  ordersCert = await t.pki!.clientCertificate('/orders');
});
afterAll(async () => {
  await t?.close();
  await primary?.stop();
  await attacker?.stop();
  if (jwksDir) rmSync(jwksDir, { recursive: true, force: true });
});
beforeEach(() => {
  vault.ran.length = 0;
  logs.clear();
});

// --- tokens ---------------------------------------------------------------------------------------------------

const nowSec = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const part = (token: string, index: number): string => token.split('.')[index] as string;
const replacePart = (token: string, index: number, value: string): string =>
  token.split('.').map((p, i) => (i === index ? value : p)).join('.');
const flipMiddle = (s: string): string => {
  const i = Math.floor(s.length / 2);
  return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
};

/** Everything a token needs to pass all four methods (from `iss`): bound to the orders certificate, both scopes. */
const claimsFor = (iss: string): JWTPayload => ({
  iss,
  aud: 'vault',
  sub: 'orders-client',
  iat: nowSec(),
  exp: nowSec() + 300,
  jti: randomUUID(),
  scope: 'vault:read vault:write',
  cnf: { 'x5t#S256': ordersCert.thumbprint },
});

/** A token from the trusted issuer that passes all four methods, unless `claims`/`options` change that. */
const good = (claims: JWTPayload = {}, options: MintOptions = {}): Promise<string> =>
  primary.mint({ sub: 'orders-client', ...claims }, { scope: 'vault:read vault:write', thumbprint: ordersCert.thumbprint, ...options });

/** Signed by the attacker's own key, claiming to come from the trusted issuer. */
const forged = (header: Record<string, unknown> = {}): Promise<string> =>
  attacker.mint(claimsFor(primary.url), { header });

/** Signed by the second trusted issuer's RS256 key (from the JWKS file). */
const local = (claims: JWTPayload = {}, header: Record<string, unknown> = {}, crit?: Record<string, boolean>): Promise<string> =>
  new SignJWT({ ...claimsFor(LOCAL_ISSUER), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: rsa.kid, ...header })
    .sign(rsa.privateKey, crit ? { crit } : undefined);

/** HS256 keyed with `secret` (a public key the attacker knows), with the claims of `iss` and the header `kid`. */
const hs256 = (secret: string, iss: string, kid: string): Promise<string> =>
  new SignJWT(claimsFor(iss)).setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' }).sign(new TextEncoder().encode(secret));

const primaryPublicKey = async (): Promise<CryptoKey> => (await importJWK(primary.jwks.keys[0] as JWK, 'ES256')) as CryptoKey;

// --- the table --------------------------------------------------------------------------------------------------

const bearer = (token: string): Record<string, string | Buffer> => ({ authorization: `Bearer ${token}` });
const UNAUTH_INVALID = [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_INVALID'] as const;
const UNBOUND = [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_BINDING'] as const;
/** A refusal for `typ`, naming the setting that opts an issuer out. */
const TYP_REFUSED = /claim "typ" check_failed.*requires typ at\+jwt \(RFC 9068\).*set requireTyp: false on its entry in auth\.tokens\.issuers/;
/** A DPoP key thumbprint (RFC 9449's example). */
const DPOP_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
/** Tokens of the second trusted issuer: `watch` accepts the primary issuer only (its own case below). */
const NOT_WATCH: readonly Kind[] = ['read', 'store', 'exchange'];

interface Attack {
  readonly name: string;
  readonly token: () => Promise<string>;
  /** The call's metadata; default `authorization: Bearer <token>`. */
  readonly metadata?: (token: string) => Record<string, string | Buffer>;
  /** The call kinds it is tried on (default all four). */
  readonly kinds?: readonly Kind[];
  /** Who calls (default: the orders workload, with its certificate). */
  readonly as?: keyof typeof clients;
  /** gRPC status, the message the client gets, the audit reason code. */
  readonly refused: readonly [status: Status, message: string, reason: string];
  /** What the audit line's detail must say. */
  readonly detail: RegExp;
  /** Runs before the refused call, with the same token (e.g. its first, allowed use). */
  readonly before?: (token: string, kind: Kind) => Promise<void>;
}

const attacks: Attack[] = [
  // algorithm and key confusion
  { name: 'alg none, empty signature', token: async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claimsFor(primary.url))}.`, refused: UNAUTH_INVALID, detail: /not a JWS: an empty part/ },
  { name: 'alg none with a made-up signature', token: async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claimsFor(primary.url))}.AAAA`, refused: UNAUTH_INVALID, detail: /alg "none" is not allowed/ },
  { name: 'HS256 keyed with the trusted ES256 public key (PEM)', token: async () => hs256(await exportSPKI(await primaryPublicKey()), primary.url, primary.kid), refused: UNAUTH_INVALID, detail: /alg "HS256" is not allowed/ },
  { name: 'HS256 keyed with the trusted ES256 public key (JWK)', token: () => hs256(JSON.stringify(primary.jwks.keys[0]), primary.url, primary.kid), refused: UNAUTH_INVALID, detail: /alg "HS256" is not allowed/ },
  { name: 'HS256 keyed with the RSA issuer public key (PEM)', kinds: NOT_WATCH, token: async () => hs256(await exportSPKI(rsa.publicKey), LOCAL_ISSUER, rsa.kid), refused: UNAUTH_INVALID, detail: /alg "HS256" is not allowed/ },
  { name: 'HS256 keyed with the RSA issuer public key (JWK)', kinds: NOT_WATCH, token: () => hs256(JSON.stringify(rsa.publicJwk), LOCAL_ISSUER, rsa.kid), refused: UNAUTH_INVALID, detail: /alg "HS256" is not allowed/ },
  { name: 'header alg switched to ES384, signature kept', token: async () => replacePart(await good(), 0, b64({ alg: 'ES384', kid: primary.kid, typ: 'at+jwt' })), refused: UNAUTH_INVALID, detail: /alg "ES384" is not allowed/ },
  { name: 'header alg switched to RS256 on the ES256 kid', token: async () => replacePart(await good(), 0, b64({ alg: 'RS256', kid: primary.kid, typ: 'at+jwt' })), refused: UNAUTH_INVALID, detail: /no key in the issuer JWKS matches/ },
  // attacker keys and header injection (the attacker's endpoints must never be contacted: checked after every case)
  { name: 'unknown kid (attacker key, trusted iss)', token: () => forged(), refused: UNAUTH_INVALID, detail: /no key in the issuer JWKS matches/ },
  { name: 'attacker key under the trusted kid', token: () => forged({ kid: primary.kid }), refused: UNAUTH_INVALID, detail: /signature verification failed/ },
  { name: 'jku pointing at the attacker JWKS', token: () => forged({ jku: `${attacker.url}/jwks` }), refused: UNAUTH_INVALID, detail: /no key in the issuer JWKS matches/ },
  { name: 'jku pointing at the attacker JWKS, trusted kid', token: () => forged({ jku: `${attacker.url}/jwks`, kid: primary.kid }), refused: UNAUTH_INVALID, detail: /signature verification failed/ },
  { name: 'x5u pointing at the attacker', token: () => forged({ x5u: `${attacker.url}/cert.pem` }), refused: UNAUTH_INVALID, detail: /no key in the issuer JWKS matches/ },
  { name: 'embedded jwk (the attacker key)', token: () => forged({ jwk: attacker.jwks.keys[0] }), refused: UNAUTH_INVALID, detail: /no key in the issuer JWKS matches/ },
  { name: 'embedded jwk with the trusted kid', token: () => forged({ jwk: attacker.jwks.keys[0], kid: primary.kid }), refused: UNAUTH_INVALID, detail: /signature verification failed/ },
  { name: 'crit header naming an unknown extension', kinds: NOT_WATCH, token: () => local({}, { crit: ['x-rampart'], 'x-rampart': 1 }, { 'x-rampart': true }), refused: UNAUTH_INVALID, detail: /Extension Header Parameter "x-rampart" is not recognized/ },
  // issuer
  { name: "the attacker issuer's own token (untrusted iss)", token: () => attacker.mint(claimsFor(attacker.url)), refused: UNAUTH_INVALID, detail: /unknown issuer "http:\/\/127\.0\.0\.1:\d+"/ },
  { name: 'iss with a trailing slash (not exact)', token: () => good({ iss: `${primary.url}/` }), refused: UNAUTH_INVALID, detail: /unknown issuer/ },
  { name: 'a trusted issuer not accepted by the method', kinds: ['watch'], token: () => local(), refused: UNAUTH_INVALID, detail: /issuer "urn:rampart:test:local-rsa" is not accepted for this call/ },
  // claims
  { name: 'expired', token: () => good({}, { expiresIn: -120 }), refused: [Status.UNAUTHENTICATED, 'token expired', 'ERR_TOKEN_EXPIRED'], detail: /exp \d+ <= now \d+ - tolerance 30s/ },
  { name: 'nbf in the future', token: () => good({ nbf: nowSec() + 3600 }), refused: UNAUTH_INVALID, detail: /claim "nbf" check_failed/ },
  { name: 'iat far in the future', token: () => good({ iat: nowSec() + 3600 }), refused: UNAUTH_INVALID, detail: /claim "iat" check_failed: "iat" is in the future/ },
  { name: 'missing exp', token: () => good({}, { expiresIn: null }), refused: UNAUTH_INVALID, detail: /claim "exp" missing/ },
  { name: 'exp not a number', token: () => good({ exp: 'tomorrow' as unknown as number }), refused: UNAUTH_INVALID, detail: /"exp" claim must be a number/ },
  { name: 'missing sub', token: () => good({ sub: undefined }), refused: UNAUTH_INVALID, detail: /claim "sub" missing/ },
  { name: 'empty sub', token: () => good({ sub: '' }), refused: UNAUTH_INVALID, detail: /claim "sub" missing or not a string/ },
  { name: 'wrong aud', token: () => good({}, { audience: 'orders' }), refused: UNAUTH_INVALID, detail: /claim "aud" check_failed.*got "orders".*expected one of "vault"/ },
  { name: 'aud a list without ours', token: () => good({}, { audience: ['orders', 'inventory'] }), refused: UNAUTH_INVALID, detail: /claim "aud" check_failed/ },
  { name: 'missing aud', token: () => good({ aud: undefined }), refused: UNAUTH_INVALID, detail: /claim "aud" missing/ },
  { name: 'typ JWT (at+jwt is required by default)', token: () => good({}, { typ: 'JWT' }), refused: UNAUTH_INVALID, detail: TYP_REFUSED },
  { name: 'no typ (at+jwt is required by default)', token: () => good({}, { header: { typ: undefined } }), refused: UNAUTH_INVALID, detail: TYP_REFUSED },
  { name: 'scope as a list instead of a string', token: () => good({ scope: ['vault:read', 'vault:write'] as unknown as string }), refused: UNAUTH_INVALID, detail: /claim "scope" must be a string/ },
  { name: 'act without a sub', token: () => good({ act: { client_id: 'gateway' } }), refused: UNAUTH_INVALID, detail: /claim "act" malformed/ },
  { name: 'cnf x5t#S256 not a string', token: () => good({ cnf: { 'x5t#S256': 42 } }), refused: UNAUTH_INVALID, detail: /claim "cnf" has a malformed "x5t#S256"/ },
  { name: 'cnf a list instead of an object', token: () => good({ cnf: [ordersCert.thumbprint] }), refused: UNAUTH_INVALID, detail: /claim "cnf" must be an object/ },
  // sender constraints Rampart cannot verify (issue 16 item 5): refused on every method, never taken as bearer tokens
  { name: 'a DPoP-bound token (cnf jkt)', token: () => good({ cnf: { jkt: DPOP_JKT } }), refused: UNBOUND, detail: /claim "cnf" holds "jkt" \(DPoP, RFC 9449\): a sender constraint this server cannot verify/ },
  { name: 'a token bound to a key (cnf jwk)', token: async () => good({ cnf: { jwk: attacker.jwks.keys[0] } }), refused: UNBOUND, detail: /claim "cnf" holds "jwk" \(a proof-of-possession key, RFC 7800\)/ },
  { name: 'an empty cnf', token: () => good({ cnf: {} }), refused: UNBOUND, detail: /claim "cnf" is empty/ },
  { name: 'cnf with an unknown member', token: () => good({ cnf: { 'x5t#S512': 'AAAA' } }), refused: UNBOUND, detail: /claim "cnf" holds "x5t#S512" \(not a confirmation method Rampart knows\)/ },
  { name: 'cnf with the right x5t#S256 and a DPoP jkt', token: () => good({ cnf: { 'x5t#S256': ordersCert.thumbprint, jkt: DPOP_JKT } }), refused: UNBOUND, detail: /claim "cnf" holds "jkt"/ },
  // the token's bytes
  { name: 'stripped signature', token: async () => replacePart(await good(), 2, ''), refused: UNAUTH_INVALID, detail: /not a JWS: an empty part/ },
  { name: 'altered signature', token: async () => replacePart(await good(), 2, flipMiddle(part(await good(), 2))), refused: UNAUTH_INVALID, detail: /signature verification failed/ },
  {
    name: 'altered payload (scope escalated)',
    token: async () => {
      const token = await good();
      return replacePart(token, 1, b64({ ...decodeJwt(token), scope: 'vault:read vault:write vault:admin' }));
    },
    refused: UNAUTH_INVALID,
    detail: /signature verification failed/,
  },
  { name: 'oversized (validly signed, over 8192 bytes)', token: () => good({ pad: 'x'.repeat(9000) }), refused: UNAUTH_INVALID, detail: /token too large: \d+ bytes > 8192/ },
  { name: 'garbage', token: async () => 'not-a-token', refused: UNAUTH_INVALID, detail: /not a JWS: 1 part\(s\) instead of 3/ },
  { name: 'garbage in three base64url parts', token: async () => 'abc.def.ghi', refused: UNAUTH_INVALID, detail: /malformed token/ },
  {
    name: 'a JWE (5 parts)',
    token: () => new EncryptJWT(claimsFor(primary.url)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(new Uint8Array(32)),
    refused: UNAUTH_INVALID,
    detail: /a JWE \(5 parts\)/,
  },
  // where and how the token is sent
  { name: 'no authorization metadata', token: async () => '', metadata: () => ({}), refused: [Status.UNAUTHENTICATED, 'missing token', 'ERR_TOKEN_MISSING'], detail: /no authorization metadata/ },
  { name: 'the token under x-authorization', token: () => good(), metadata: (tok) => ({ 'x-authorization': `Bearer ${tok}` }), refused: [Status.UNAUTHENTICATED, 'missing token', 'ERR_TOKEN_MISSING'], detail: /no authorization metadata/ },
  { name: 'the token under authorization-bin', token: () => good(), metadata: (tok) => ({ 'authorization-bin': Buffer.from(`Bearer ${tok}`) }), refused: [Status.UNAUTHENTICATED, 'missing token', 'ERR_TOKEN_MISSING'], detail: /no authorization metadata/ },
  // HTTP/2 (RFC 9113 8.2.1) forbids whitespace at the end of a field value: Node's server drops the field, so
  // Rampart sees no authorization at all.
  { name: 'empty bearer', token: async () => '', metadata: () => ({ authorization: 'Bearer ' }), refused: [Status.UNAUTHENTICATED, 'missing token', 'ERR_TOKEN_MISSING'], detail: /no authorization metadata/ },
  { name: 'the scheme alone', token: async () => '', metadata: () => ({ authorization: 'Bearer' }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  { name: 'bearer with trailing garbage', token: () => good(), metadata: (tok) => ({ authorization: `Bearer ${tok} garbage` }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  { name: 'two tokens in one value', token: () => good(), metadata: (tok) => ({ authorization: `Bearer ${tok}, Bearer ${tok}` }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  { name: 'Basic scheme', token: async () => '', metadata: () => ({ authorization: `Basic ${Buffer.from('orders:hunter2').toString('base64')}` }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  { name: 'Token scheme', token: () => good(), metadata: (tok) => ({ authorization: `Token ${tok}` }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  { name: 'no scheme (the bare token)', token: () => good(), metadata: (tok) => ({ authorization: tok }), refused: UNAUTH_INVALID, detail: /authorization is not "Bearer <token>"/ },
  // authorization: scopes and policies
  { name: 'missing scope', token: () => good({}, { scope: 'vault:list' }), refused: [Status.PERMISSION_DENIED, 'insufficient scope', 'ERR_INSUFFICIENT_SCOPE'], detail: /missing scope vault:(read|write)/ },
  { name: 'scopes differing only in case', token: () => good({}, { scope: 'VAULT:READ VAULT:WRITE' }), refused: [Status.PERMISSION_DENIED, 'insufficient scope', 'ERR_INSUFFICIENT_SCOPE'], detail: /missing scope vault:(read|write)/ },
  { name: 'a policy (@Authorize) refuses the subject', token: () => good({ sub: BLOCKED_SUBJECT }), refused: [Status.PERMISSION_DENIED, 'permission denied', 'ERR_POLICY_DENIED'], detail: /policy NotBlocked denied: subject is blocked/ },
  // certificate binding (RFC 8705) and one-time use
  { name: 'a bound token from a different certificate', as: 'thief', token: () => good(), refused: [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_BINDING'], detail: /bound to certificate .* the call presented .*\/thief/ },
  { name: 'a bound token without a client certificate (token-only method)', as: 'anonymous', kinds: ['watch'], token: () => good(), refused: [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_BINDING'], detail: /presented no verified client certificate/ },
  { name: 'a bound token without a client certificate (mTLS method)', as: 'anonymous', kinds: ['read', 'store', 'exchange'], token: () => good(), refused: [Status.UNAUTHENTICATED, 'client certificate required', 'ERR_NO_CLIENT_CERTIFICATE'], detail: /./ },
  { name: 'a bound token whose thumbprint is hex, not base64url', token: () => good({}, { thumbprint: Buffer.from(ordersCert.thumbprint, 'base64url').toString('hex') }), refused: [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_BINDING'], detail: /bound to certificate [0-9a-f]{64}, the call presented/ },
  { name: 'an unbound token where binding is required', kinds: ['store'], token: () => good({}, { thumbprint: undefined }), refused: [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_BINDING'], detail: /not bound to a certificate/ },
  {
    name: 'a reused one-time token',
    kinds: ['exchange'],
    token: () => good(),
    before: async (token, kind) => {
      expect(await call(clients.orders, kind, { metadata: bearer(token) })).toEqual({ ok: true, values: ['X', 'Y'] });
    },
    refused: [Status.UNAUTHENTICATED, 'invalid token', 'ERR_TOKEN_REPLAYED'],
    detail: /jti .* was already used/,
  },
  { name: 'a one-time token without jti', kinds: ['exchange'], token: () => good({ jti: undefined }), refused: UNAUTH_INVALID, detail: /one-time use requires a jti claim/ },
];

describe('attacks end to end: refused with the right status, before any handler', () => {
  it('has at least 30 cases', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(30);
    expect(new Set(attacks.map((a) => a.name)).size).toBe(attacks.length);
  });

  it.each(attacks)('$name', async (attack) => {
    const [status, message, reason] = attack.refused;
    for (const kind of attack.kinds ?? KINDS) {
      const token = await attack.token();
      const metadata = (attack.metadata ?? bearer)(token);
      if (attack.before) await attack.before(token, kind);
      vault.ran.length = 0;
      logs.clear();

      const error = failed(await call(clients[attack.as ?? 'orders'], kind, { metadata }));
      expect({ kind, code: error.status, details: error.message }).toEqual({ kind, code: status, details: message });
      expect(vault.ran, `a ${kind} handler ran`).toEqual([]);
      const audits = logs.audits();
      expect(audits, `one audit decision for ${kind}`).toHaveLength(1);
      const [line] = audits as [(typeof audits)[number]];
      expect(line.audit).toMatchObject({ method: PATH[kind], decision: 'deny', reason, status });
      expect(line.level).toBe(LEVEL.warn);
      expect(line.audit.detail).toMatch(attack.detail);
      if (token !== '') expectNoTokenIn(logs.lines, token);
    }
    expect(attacker.requests, 'the attacker endpoints were contacted').toBe(0);
  });
});

describe('valid tokens pass for all four call kinds', () => {
  const expected: Record<Kind, string[]> = {
    read: ['orders-client'],
    watch: ['orders-client', 'done'],
    store: ['2'],
    exchange: ['X', 'Y'],
  };

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('scheme %s', async (scheme) => {
    for (const kind of KINDS) {
      const token = await good();
      vault.ran.length = 0;
      logs.clear();
      const outcome = await call(clients.orders, kind, { metadata: { authorization: `${scheme} ${token}` } });
      expect({ kind, outcome }).toEqual({ kind, outcome: { ok: true, values: expected[kind] } });
      expect(vault.ran).toEqual([expect.objectContaining({ method: kind, subject: 'orders-client', issuer: primary.url, peer: ORDERS })]);
      const audits = logs.audits();
      expect(audits).toHaveLength(1);
      expect(audits[0]?.audit).toMatchObject({ method: PATH[kind], decision: 'allow', reason: 'ok', status: 0, subject: 'orders-client', peer: ORDERS });
      expect(audits[0]?.level).toBe(LEVEL.debug);
      expectNoTokenIn(logs.lines, token);
    }
  });

  it('the second trusted issuer (RS256 from a JWKS file, requireTyp: false) passes where it is accepted, typ JWT or none', async () => {
    // The control for the crafted-key cases: the same key and claims, correctly signed, are accepted; and the opt-out
    // for issuers of typ JWT works.
    for (const header of [{ typ: 'JWT' }, {}]) {
      const token = await local({}, header);
      expect(await call(clients.orders, 'read', { metadata: bearer(token) })).toEqual({ ok: true, values: ['orders-client'] });
    }
    expect(vault.ran.map((r) => r.issuer)).toEqual([LOCAL_ISSUER, LOCAL_ISSUER]);
    expect(vault.ran[0]).toEqual(expect.objectContaining({ method: 'read', subject: 'orders-client', issuer: LOCAL_ISSUER, peer: ORDERS, clientId: undefined }));
  });

  it('a bound token passes without binding being required, from its own certificate', async () => {
    const token = await good();
    expect(await call(clients.orders, 'read', { metadata: bearer(token) })).toEqual({ ok: true, values: ['orders-client'] });
    const unbound = await good({}, { thumbprint: undefined });
    expect(await call(clients.thief, 'read', { metadata: bearer(unbound) })).toEqual({ ok: true, values: ['orders-client'] });
    expect(vault.ran.map((r) => r.peer)).toEqual([ORDERS, `spiffe://${TEST_TRUST_DOMAIN}/thief`]);
  });
});

describe('two authorization values', () => {
  // Node's HTTP/2 client refuses to send a second `authorization` field (ERR_HTTP2_HEADER_SINGLE_VALUE), so these
  // calls append it to the header block below Node (see raw-h2.ts).
  const rawRead = async (first: string, second: string) => {
    const orders = await t.pki!.clientCertificate('/orders');
    return unaryWithExtraHeader({
      port: t.port,
      caPem: t.pki!.ca.certPem,
      client: orders,
      path: PATH.read,
      request: stringField1('db'),
      headers: { authorization: first },
      extra: ['authorization', second],
    });
  };

  it('the raw client reaches the server (control: one valid value passes)', async () => {
    const token = await good();
    const result = await rawRead(`Bearer ${token}`, `Bearer ${token}`);
    expect(result.status).toBe(Status.OK);
    expect(vault.ran.map((r) => r.method)).toEqual(['read']);
  });

  it('an invalid first value with a valid second → UNAUTHENTICATED, no handler', async () => {
    const token = await good();
    const result = await rawRead('Bearer not-a-token', `Bearer ${token}`);
    expect({ status: result.status, message: result.message }).toEqual({ status: Status.UNAUTHENTICATED, message: 'invalid token' });
    expect(vault.ran).toEqual([]);
    expect(logs.audits().map((l) => l.audit.reason)).toEqual(['ERR_TOKEN_INVALID']);
    expectNoTokenIn(logs.lines, token);
  });

  it('Node keeps only the first value: the second never reaches Rampart (pinned; see docs/security/tokens.md)', async () => {
    // bearer.ts refuses two `authorization` values, but Node's HTTP/2 server treats `authorization` as a
    // single-value field and drops every later one before grpc-js builds the metadata. So the call is decided on the
    // first value alone, which is verified in full. If this starts failing, the second value reaches Rampart and
    // the call should be refused instead: update this test to expect UNAUTHENTICATED.
    const first = await good({ sub: 'first' });
    const second = await good({ sub: BLOCKED_SUBJECT });
    const result = await rawRead(`Bearer ${first}`, `Bearer ${second}`);
    expect(result.status).toBe(Status.OK);
    expect(vault.ran.map((r) => r.subject)).toEqual(['first']);
  });
});
