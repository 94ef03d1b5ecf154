import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';

// Access tokens shaped as each identity provider documents them (claims, header `typ`, `aud` and `iss` forms), for
// the provider e2e suite and docs/guides/identity-providers.md. Only the values are made up.

/** A made-up Entra tenant and API application (GUIDs, as Entra uses them). */
export const ENTRA_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const ENTRA_API_APP = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
export const ENTRA_CLIENT_APP = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

/** Issuer identifiers in each provider's form. */
export const ISS = {
  keycloak: 'https://keycloak.rampart.example/realms/rampart',
  auth0: 'https://rampart.eu.auth0.com/',
  entraV2: `https://login.microsoftonline.com/${ENTRA_TENANT}/v2.0`,
  entraV1: `https://sts.windows.net/${ENTRA_TENANT}/`,
  okta: 'https://rampart.okta.com/oauth2/default',
  spire: 'https://oidc-discovery.rampart.example',
} as const;

const now = (): number => Math.floor(Date.now() / 1000);
const life = (): JWTPayload => ({ iat: now(), nbf: now(), exp: now() + 300 });

/** Keycloak service-account token (client credentials), with an audience mapper adding `vault`. */
export const keycloakClaims = (extra: JWTPayload = {}): JWTPayload => ({
  ...life(),
  jti: `trrtcc:${randomUUID()}`,
  iss: ISS.keycloak,
  aud: ['vault', 'account'],
  sub: randomUUID(),
  typ: 'Bearer',
  azp: 'orders',
  acr: '1',
  realm_access: { roles: ['offline_access', 'uma_authorization', 'vault-reader'] },
  resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
  scope: 'profile email vault:read',
  clientHost: '10.0.0.7',
  email_verified: false,
  preferred_username: 'service-account-orders',
  client_id: 'orders',
  ...extra,
});

/** Auth0 machine-to-machine token (client credentials), RBAC permissions added to the access token. */
export const auth0Claims = (extra: JWTPayload = {}): JWTPayload => ({
  ...life(),
  iss: ISS.auth0,
  sub: 'Q2ZxR8sPpYb7s1@clients',
  aud: 'https://vault.rampart.example',
  azp: 'Q2ZxR8sPpYb7s1',
  gty: 'client-credentials',
  scope: 'vault:read',
  permissions: ['vault:read'],
  ...extra,
});

/** Entra ID v2.0 app-only token: application permissions (app roles) in `roles`, the client in `azp`. */
export const entraV2Claims = (extra: JWTPayload = {}): JWTPayload => ({
  ...life(),
  aud: ENTRA_API_APP,
  iss: ISS.entraV2,
  azp: ENTRA_CLIENT_APP,
  azpacr: '2',
  oid: 'a0b1c2d3-0000-4000-8000-000000000001',
  rh: '0.AXEAv4j5cvGGr0GRqy180BHbR...',
  roles: ['vault:read'],
  sub: 'a0b1c2d3-0000-4000-8000-000000000001',
  tid: ENTRA_TENANT,
  uti: 'AbCdEfGhIjKlMnOpQrStUv',
  ver: '2.0',
  ...extra,
});

/** Entra ID v1.0 app-only token: the API's App ID URI as `aud`, the client in `appid`. */
export const entraV1Claims = (extra: JWTPayload = {}): JWTPayload => ({
  ...life(),
  aud: 'api://vault',
  iss: ISS.entraV1,
  appid: ENTRA_CLIENT_APP,
  appidacr: '2',
  idp: ISS.entraV1,
  oid: 'a0b1c2d3-0000-4000-8000-000000000001',
  roles: ['vault:read'],
  sub: 'a0b1c2d3-0000-4000-8000-000000000001',
  tid: ENTRA_TENANT,
  ver: '1.0',
  ...extra,
});

/** Okta custom authorization server token (client credentials): `scp` list, the client in `cid`. */
export const oktaClaims = (extra: JWTPayload = {}): JWTPayload => ({
  ...life(),
  ver: 1,
  jti: `AT.${randomUUID()}`,
  iss: ISS.okta,
  aud: 'api://default',
  cid: '0oa1b2c3d4e5f6g7h8i9',
  scp: ['vault:read'],
  sub: '0oa1b2c3d4e5f6g7h8i9',
  ...extra,
});

/** SPIRE JWT-SVID: a SPIFFE ID as `sub`, `aud` a list, no scopes. */
export const spireClaims = (extra: JWTPayload = {}): JWTPayload => ({
  iat: now(),
  exp: now() + 300,
  iss: ISS.spire,
  sub: 'spiffe://rampart.example/orders',
  aud: ['vault'],
  ...extra,
});

/**
 * Signs `claims` as the provider does: RS256 and its `kid`; header `typ: JWT` (Keycloak and Auth0 by default, Entra
 * ID, SPIRE), none for Okta custom authorization servers (`kid` and `alg` only). None of them says `at+jwt`.
 */
export function signAsProvider(claims: JWTPayload, key: { privateKey: CryptoKey; kid: string }): Promise<string> {
  const typ = claims.iss === ISS.okta ? {} : { typ: 'JWT' };
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, ...typ }).sign(key.privateKey);
}
