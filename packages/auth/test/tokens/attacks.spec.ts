import { EncryptJWT, exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/index.js';
import { expectTokenError } from './support/expect-token-error.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { b64, makeKey, mint, nowSec, type TestKey } from './support/keys.js';

let server: JwksServer;
let attacker: JwksServer;
let ec: TestKey;
let rsa: TestKey;
let evil: TestKey;
let verifier: TokenVerifier;
const claims = () => ({ iss: server.url, aud: 'inventory' });

beforeAll(async () => {
  ec = await makeKey('ES256', 'ec-1');
  rsa = await makeKey('RS256', 'rsa-1');
  evil = await makeKey('ES256', 'evil-1');
  server = await startJwksServer([ec.publicJwk, rsa.publicJwk]);
  attacker = await startJwksServer([evil.publicJwk]);
  verifier = new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'inventory' });
  await verifier.verify(await mint(ec, claims())); // keys loaded: later refetches would be visible
});
afterAll(async () => {
  await server.close();
  await attacker.close();
});

const hs256With = (secret: string, payload: object) =>
  new SignJWT({ sub: 's', exp: nowSec() + 60, ...payload })
    .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
    .sign(new TextEncoder().encode(secret));
const alter = (token: string, part: number, edit: (s: string) => string) =>
  token.split('.').map((p, i) => (i === part ? edit(p) : p)).join('.');
const flipMiddle = (s: string) => {
  const i = Math.floor(s.length / 2);
  return `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
};

type Case = [name: string, token: () => Promise<string>, reason: RegExp, code?: 'ERR_TOKEN_EXPIRED'];
const cases: Case[] = [
  ['alg none, empty signature', async () => `${b64({ alg: 'none' })}.${b64({ ...claims(), sub: 's', exp: nowSec() + 60 })}.`, /not a JWS: an empty part/],
  ['alg none with a fake signature', async () => `${b64({ alg: 'none' })}.${b64({ ...claims(), sub: 's', exp: nowSec() + 60 })}.AAAA`, /alg "none" is not allowed/],
  ['HS256 signed with the RSA public key PEM', async () => hs256With(await exportSPKI(rsa.publicKey), claims()), /alg "HS256" is not allowed/],
  ['HS256 signed with the RSA public JWK', async () => hs256With(JSON.stringify(rsa.publicJwk), claims()), /alg "HS256" is not allowed/],
  ['unknown kid', () => mint(evil, claims()), /no key in the issuer JWKS matches.*kid "evil-1"/],
  ['jku pointing at attacker keys', () => mint(evil, claims(), { jku: `${attacker.url}/jwks` }), /no key in the issuer JWKS matches/],
  ['x5u pointing at attacker keys', () => mint(evil, claims(), { x5u: `${attacker.url}/cert.pem` }), /no key in the issuer JWKS matches/],
  ['embedded jwk with the attacker kid', () => mint(evil, claims(), { jwk: evil.publicJwk }), /no key in the issuer JWKS matches/],
  ['embedded jwk with the real kid', () => mint(evil, claims(), { jwk: evil.publicJwk, kid: 'ec-1' }), /signature verification failed/],
  ['jku with the real kid', () => mint(evil, claims(), { jku: `${attacker.url}/jwks`, kid: 'ec-1' }), /signature verification failed/],
  ['expired', () => mint(ec, { ...claims(), exp: nowSec() - 120 }), /exp \d+ <= now \d+ - tolerance 30s/, 'ERR_TOKEN_EXPIRED'],
  ['nbf in the future', () => mint(ec, { ...claims(), nbf: nowSec() + 3600 }), /claim "nbf" check_failed/],
  ['iat far in the future', () => mint(ec, { ...claims(), iat: nowSec() + 3600 }), /claim "iat" check_failed: "iat" is in the future/],
  ['iss with a trailing slash (not exact)', () => mint(ec, { ...claims(), iss: `${server.url}/` }), /unknown issuer/],
  ['iss in another case', () => mint(ec, { ...claims(), iss: server.url.toUpperCase() }), /unknown issuer/],
  ['iss not a string', () => mint(ec, { ...claims(), iss: 42 as unknown as string }), /claim "iss" missing or not a string/],
  ['wrong aud', () => mint(ec, { ...claims(), aud: 'orders' }), /claim "aud" check_failed.*got "orders".*expected one of "inventory"/],
  ['missing aud', () => mint(ec, { ...claims(), aud: undefined }), /missing required "aud" claim/],
  ['missing exp', () => mint(ec, { ...claims(), exp: undefined }), /missing required "exp" claim/],
  ['exp not a number', () => mint(ec, { ...claims(), exp: 'tomorrow' as unknown as number }), /"exp" claim must be a number/],
  ['typ JWT (at+jwt is required by default)', () => mint(ec, claims(), { typ: 'JWT' }), /claim "typ".*got "JWT".*set requireTyp: false on its entry in auth\.tokens\.issuers/],
  ['no typ (at+jwt is required by default)', () => mint(ec, claims(), { typ: undefined }), /claim "typ" check_failed.*got none.*requireTyp: false/],
  ['stripped signature', async () => alter(await mint(ec, claims()), 2, () => ''), /not a JWS: an empty part/],
  ['altered signature', async () => alter(await mint(ec, claims()), 2, flipMiddle), /signature verification failed/],
  ['altered payload (scope escalation)', async () => alter(await mint(ec, claims()), 1, () => b64({ ...claims(), sub: 'orders-client', scope: 'admin', exp: nowSec() + 60 })), /signature verification failed/],
  ['header alg switched to ES384', async () => alter(await mint(ec, claims()), 0, () => b64({ alg: 'ES384', kid: 'ec-1' })), /alg "ES384" is not allowed/],
  ['unknown crit extension', () => new SignJWT({ ...claims(), sub: 's', exp: nowSec() + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'ec-1', crit: ['exp-x'], 'exp-x': 1 }).sign(ec.privateKey, { crit: { 'exp-x': true } }), /unsupported: Extension Header Parameter "exp-x" is not recognized/],
  ['oversized (9000 bytes)', async () => alter(await mint(ec, claims()), 1, (p) => p + 'A'.repeat(9000)), /token too large: \d+ bytes > 8192/],
  ['oversized garbage is refused by size, before parsing', async () => '!'.repeat(20_000), /token too large: 20000 bytes > 8192/],
  ['garbage', async () => 'not-a-token', /not a JWS: 1 part\(s\) instead of 3/],
  ['base64url garbage in three parts', async () => 'abc.def.ghi', /malformed token/],
  ['payload is a JSON array', async () => `${b64({ alg: 'ES256', kid: 'ec-1' })}.${b64([1])}.AAAA`, /malformed token/],
  ['a Bearer prefix left on', async () => `Bearer ${await mint(ec, claims())}`, /not a JWS: an empty part .*or non-base64url/],
  ['JWE (5 parts)', () => new EncryptJWT({ ...claims(), sub: 's' }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(new Uint8Array(32)), /a JWE \(5 parts\)/],
  ['two parts', async () => `${b64({ alg: 'ES256' })}.${b64(claims())}`, /2 part\(s\) instead of 3/],
  ['empty string', async () => '', /empty or missing token/],
];

describe('attacks and malformed tokens are refused with UNAUTHENTICATED', () => {
  it.each(cases)('%s', async (_name, makeToken, reason, code) => {
    const token = await makeToken();
    const before = server.requests.length;
    await expectTokenError(verifier.verify(token), code ?? 'ERR_TOKEN_INVALID', reason, token);
    expect(attacker.requests).toEqual([]);
    expect(server.requests.length - before).toBe(0); // keys are loaded and the kid cooldown holds
  });

  it('an unknown issuer fails without any network request', async () => {
    const fresh = await startJwksServer([ec.publicJwk]);
    let fetches = 0;
    const counting = new TokenVerifier({
      issuers: [{ issuer: fresh.url }],
      audience: 'inventory',
      fetch: (url, init) => {
        fetches += 1;
        return fetch(url, init);
      },
    });
    try {
      const token = await mint(ec, { iss: 'https://evil.example', aud: 'inventory' });
      await expectTokenError(counting.verify(token), 'ERR_TOKEN_INVALID', /unknown issuer "https:\/\/evil.example"/, token);
      expect(fetches).toBe(0);
      expect(fresh.requests).toEqual([]);
      await counting.verify(await mint(ec, { iss: fresh.url, aud: 'inventory' }));
      expect(fetches).toBe(2); // the same verifier does fetch (discovery + JWKS) for a configured issuer
    } finally {
      await fresh.close();
    }
  });

  it('accepts exp within the clock tolerance and refuses it beyond', async () => {
    await expect(verifier.verify(await mint(ec, { ...claims(), exp: nowSec() - 10 }))).resolves.toBeDefined();
    const strict = new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'inventory', clockToleranceSec: 0 });
    const token = await mint(ec, { ...claims(), exp: nowSec() - 10 });
    await expectTokenError(strict.verify(token), 'ERR_TOKEN_EXPIRED', /tolerance 0s/, token);
  });
});
