import { RampartError, Status } from '@rampart/core';
import { startTestApp, type TestApp } from '@rampart/testing';
import { exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IssuerConfig } from '../../src/index.js';
import { VaultServiceDescriptor, type VaultServiceClient } from '../generated/index.js';
import { attackVault } from './attack-vault.js';
import { call, captureLogs, expectNoTokenIn, failed, LEVEL } from './e2e-support.js';
import {
  auth0Claims,
  ENTRA_API_APP,
  ENTRA_CLIENT_APP,
  entraV1Claims,
  entraV2Claims,
  ISS,
  keycloakClaims,
  oktaClaims,
  signAsProvider,
  spireClaims,
} from './provider-tokens.js';
import { vaultApp } from './vault-app.js';

// Issue 19: access tokens shaped as Keycloak, Auth0, Entra ID (v1 and v2), Okta and SPIRE document them, signed with
// an RS256 key (published in a JWKS file), verified by a real Rampart server configured as
// docs/guides/identity-providers.md says. `read` needs scope `vault:read` and a client certificate (any workload).

const READ = VaultServiceDescriptor.methods.read.path;
/** An Entra tenant configured without the `entra` preset, and one without `requireTyp: false`. */
const NO_PRESET = 'https://login.microsoftonline.com/00000000-0000-4000-8000-00000000no00/v2.0';
const STRICT_TYP = 'https://login.microsoftonline.com/00000000-0000-4000-8000-0000000strict/v2.0';

let key: { privateKey: CryptoKey; kid: string };
let dir: string;
let t: TestApp;
let orders: VaultServiceClient;
const vault = attackVault('urn:unused');
const logs = captureLogs('vault');

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = { privateKey: pair.privateKey, kid: 'provider-key-1' };
  dir = mkdtempSync(join(tmpdir(), 'rampart-idp-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: key.kid, alg: 'RS256', use: 'sig' }] }));
  // The settings of the guide, one entry per provider (jwksFile stands in for each provider's discovery).
  const issuers: IssuerConfig[] = [
    { issuer: ISS.keycloak, jwksFile, requireTyp: false, claims: 'keycloak' },
    { issuer: ISS.auth0, jwksFile, requireTyp: false, claims: 'auth0', audience: 'https://vault.rampart.example' },
    { issuer: ISS.entraV2, jwksFile, requireTyp: false, claims: 'entra', audience: ENTRA_API_APP },
    { issuer: ISS.entraV1, jwksFile, requireTyp: false, claims: 'entra', audience: 'api://vault' },
    { issuer: ISS.okta, jwksFile, requireTyp: false, claims: 'okta', audience: 'api://default' },
    { issuer: ISS.spire, jwksFile, requireTyp: false, claims: 'spire' },
    { issuer: NO_PRESET, jwksFile, requireTyp: false, audience: ENTRA_API_APP },
    { issuer: STRICT_TYP, jwksFile, claims: 'entra', audience: ENTRA_API_APP },
  ];
  t = await startTestApp(vaultApp([vault.AttackVault], { logger: logs.logger, values: { auth: { tokens: { audience: 'vault', issuers } } } }));
  orders = await t.client(VaultServiceDescriptor, { as: '/orders' });
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  vault.ran.length = 0;
  logs.clear();
});

const bearer = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });

interface Accepted {
  readonly name: string;
  readonly claims: JWTPayload;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

const accepted: Accepted[] = [
  { name: 'Keycloak service account (scope string, realm roles, aud list)', claims: keycloakClaims(), clientId: 'orders', scopes: ['profile', 'email', 'vault:read'], roles: ['offline_access', 'uma_authorization', 'vault-reader'] },
  { name: 'Keycloak token without client_id names the client by azp', claims: keycloakClaims({ client_id: undefined }), clientId: 'orders', scopes: ['profile', 'email', 'vault:read'], roles: ['offline_access', 'uma_authorization', 'vault-reader'] },
  { name: 'Auth0 client credentials (scope and permissions, iss with trailing slash)', claims: auth0Claims(), clientId: 'Q2ZxR8sPpYb7s1', scopes: ['vault:read'], roles: [] },
  { name: 'Auth0 user token: the API permission only in permissions, aud with userinfo', claims: auth0Claims({ scope: 'openid profile', aud: ['https://vault.rampart.example', `${ISS.auth0}userinfo`], gty: undefined }), clientId: 'Q2ZxR8sPpYb7s1', scopes: ['openid', 'profile', 'vault:read'], roles: [] },
  { name: 'Entra ID v2.0 app-only (app role in roles, client in azp)', claims: entraV2Claims(), clientId: ENTRA_CLIENT_APP, scopes: ['vault:read'], roles: ['vault:read'] },
  { name: 'Entra ID v2.0 delegated (scp string)', claims: entraV2Claims({ roles: undefined, scp: 'vault:read User.Read' }), clientId: ENTRA_CLIENT_APP, scopes: ['vault:read', 'User.Read'], roles: [] },
  { name: 'Entra ID v1.0 app-only (App ID URI aud, client in appid)', claims: entraV1Claims(), clientId: ENTRA_CLIENT_APP, scopes: ['vault:read'], roles: ['vault:read'] },
  { name: 'Okta client credentials (scp list, client in cid)', claims: oktaClaims(), clientId: '0oa1b2c3d4e5f6g7h8i9', scopes: ['vault:read'], roles: [] },
];

describe('provider access tokens accepted as docs/guides/identity-providers.md says', () => {
  it.each(accepted)('$name', async ({ claims, clientId, scopes, roles }) => {
    const token = await signAsProvider(claims, key);
    expect(await call(orders, 'read', bearer(token))).toEqual({ ok: true, values: [claims.sub] });
    expect(vault.ran).toEqual([expect.objectContaining({ method: 'read', issuer: claims.iss, clientId, scopes, roles })]);
    const [line] = logs.audits();
    expect(line?.audit).toMatchObject({ method: READ, decision: 'allow', clientId });
    expectNoTokenIn(logs.lines, token);
  });
});

interface Refused {
  readonly name: string;
  readonly claims: JWTPayload;
  readonly status: Status;
  readonly message: string;
  readonly reason: string;
  readonly detail: RegExp;
}

const refused: Refused[] = [
  { name: 'SPIRE JWT-SVID: authenticated, but it carries no scopes', claims: spireClaims(), status: Status.PERMISSION_DENIED, message: 'insufficient scope', reason: 'ERR_INSUFFICIENT_SCOPE', detail: /missing scope vault:read/ },
  { name: 'Entra app-only token at an issuer without the entra preset (roles are not scopes)', claims: entraV2Claims({ iss: NO_PRESET }), status: Status.PERMISSION_DENIED, message: 'insufficient scope', reason: 'ERR_INSUFFICIENT_SCOPE', detail: /missing scope vault:read/ },
  { name: 'Entra token (typ JWT) at an issuer left at requireTyp true', claims: entraV2Claims({ iss: STRICT_TYP }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /claim "typ" check_failed.*set requireTyp: false/ },
  { name: 'Keycloak token without the audience mapper (aud account only)', claims: keycloakClaims({ aud: 'account' }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /aud/ },
  { name: 'Entra v2 token for another API (aud)', claims: entraV2Claims({ aud: '11111111-2222-4333-8444-555555555555' }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /aud/ },
  { name: 'Okta cid that is not a string', claims: oktaClaims({ cid: 42 }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /claim "cid" must be a string/ },
  { name: 'Entra roles that is an object', claims: entraV2Claims({ roles: { admin: true } }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /claim "roles" must be a string or a list of strings/ },
  { name: 'Keycloak realm roles with a number', claims: keycloakClaims({ realm_access: { roles: ['vault-reader', 7] } }), status: Status.UNAUTHENTICATED, message: 'invalid token', reason: 'ERR_TOKEN_INVALID', detail: /claim "realm_access\.roles" must be a string or a list of strings/ },
  { name: 'Auth0 permissions without the API permission', claims: auth0Claims({ scope: 'openid', permissions: ['vault:list'] }), status: Status.PERMISSION_DENIED, message: 'insufficient scope', reason: 'ERR_INSUFFICIENT_SCOPE', detail: /missing scope vault:read/ },
];

describe('provider access tokens refused as docs/guides/identity-providers.md says', () => {
  it.each(refused)('$name', async ({ claims, status, message, reason, detail }) => {
    const token = await signAsProvider(claims, key);
    const error = failed(await call(orders, 'read', bearer(token)));
    expect({ code: error.status, details: error.message }).toEqual({ code: status, details: message });
    expect(vault.ran, 'the handler ran').toEqual([]);
    const audits = logs.audits();
    expect(audits).toHaveLength(1);
    expect(audits[0]?.audit).toMatchObject({ method: READ, decision: 'deny', reason, status });
    expect(audits[0]?.level).toBe(LEVEL.warn);
    expect(audits[0]?.audit.detail).toMatch(detail);
    expectNoTokenIn(logs.lines, token);
  });
});

describe('a bad claim mapping stops start-up, naming the key and the fix', () => {
  const start = (claims: unknown): Promise<unknown> =>
    startTestApp(vaultApp([vault.AttackVault], {
      values: { auth: { tokens: { audience: 'vault', issuers: [{ issuer: ISS.okta, jwksFile: join(dir, 'jwks.json'), claims }] } } },
    })).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (error: unknown) => error,
    );

  it.each([
    ['an unknown preset', 'entra-id', /auth\.tokens\.issuers.*entry 0: "claims" unknown preset "entra-id": use one of default, keycloak, auth0, entra, okta, spire/s],
    ['an empty claim name', { scopes: [''] }, /auth\.tokens\.issuers.*entry 0: "claims" "scopes" must be a list of claim names.*got ""/s],
    ['a claim list that is a string', { preset: 'okta', clientId: 'cid' }, /auth\.tokens\.issuers.*entry 0: "claims" "clientId" must be a list of claim names.*e\.g\. \["scp"\]/s],
    ['a key that does not exist', { scope: ['scp'] }, /auth\.tokens\.issuers.*entry 0: "claims" unknown key "scope" \(known: preset, scopes, roles, clientId\)/s],
    ['a number', 3, /auth\.tokens\.issuers.*entry 0: "claims" must be a preset name/s],
  ])('%s', async (_name, claims, message) => {
    const error = await start(claims);
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('ERR_CONFIG_INVALID');
    expect((error as RampartError).message).toMatch(message);
    expect((error as RampartError).message).toContain('docs/guides/identity-providers.md');
  });
});
